// A port of Python's shlex.split(line) (posix=True, whitespace_split=True, no comments), the way
// the original turned command lines into argv. Faithful to Python rather than to sh: inside double
// quotes a backslash escapes only `"` and `\` (shlex keeps `\$` as two characters; sh would not).

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const QUOTES = new Set(["'", '"']);
const ESCAPE = '\\';
const ESCAPED_QUOTES = new Set(['"']);

// The message Python's shlex raises, so configtest reads like the original.
export class ShlexError extends Error {
  constructor(message: 'No closing quotation' | 'No escaped character') {
    super(message);
    this.name = 'ShlexError';
  }
}

// Splits a command line into argv exactly as Python's shlex.split does; throws ShlexError.
export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let quoted = false; // an empty quoted word ('' or "") is still a word
  // ' ' between words, 'a' in a word, a quote char inside quotes, '\' after a backslash.
  let state = ' ';
  let escapedState = 'a';

  const emit = (): void => {
    if (token !== '' || quoted) tokens.push(token);
    token = '';
    quoted = false;
  };

  for (const char of line) {
    if (state === ' ' || state === 'a') {
      if (WHITESPACE.has(char)) {
        if (state === 'a') emit();
        state = ' ';
      } else if (char === ESCAPE) {
        escapedState = 'a';
        state = ESCAPE;
      } else if (QUOTES.has(char)) {
        state = char;
      } else {
        token += char;
        state = 'a';
      }
    } else if (state === ESCAPE) {
      // Inside double quotes only the quote itself or the backslash may be escaped.
      if (QUOTES.has(escapedState) && char !== escapedState && char !== ESCAPE) token += ESCAPE;
      token += char;
      state = escapedState;
    } else {
      quoted = true;
      if (char === state) {
        state = 'a';
      } else if (char === ESCAPE && ESCAPED_QUOTES.has(state)) {
        escapedState = state;
        state = ESCAPE;
      } else {
        token += char;
      }
    }
  }

  if (state === ESCAPE) throw new ShlexError('No escaped character');
  if (QUOTES.has(state)) throw new ShlexError('No closing quotation');
  if (state === 'a') emit();
  return tokens;
}
