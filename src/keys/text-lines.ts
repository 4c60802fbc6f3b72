// auth.conf as lines that keep their own line ends, so an edit can put back every other byte.

// Splits like the INI reader numbers lines (CRLF, CR or LF each end one); the last line may
// have no end. Joining the result gives the text back exactly.
export function splitKeepingEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/gu) ?? [];
}

// The line end the file already uses, so an appended section looks like its neighbours.
export function lineEndOf(text: string): string {
  const first = /\r\n|\r|\n/u.exec(text);
  return first?.[0] ?? '\n';
}
