// A port of CPython's RawConfigParser._read (strict=True, empty_lines_in_values=True, no
// interpolation, no inline comments), so that auth.conf and relays.conf mean here what they meant
// to the Python original. Handwritten on purpose: the `ini` npm package cuts values at an inline
// `;` or `#` (which breaks `sh -c "a; b"`), knows neither `key: value` nor continuation lines nor
// [DEFAULT], and turns a duplicated key into an array instead of an error.
import type { IniOption, IniReadResult, IniSection, IniSyntaxError } from './ini-types.js';

// Python's str.isspace() set: what strip() removes and what `\s` matches in configparser's regexes.
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${PY_SPACE}]+`, 'u');
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`, 'u');
const FIRST_NON_SPACE = new RegExp(`[^${PY_SPACE}]`, 'u');
// configparser's SECTCRE, matched at the start only: `[a] b]` is the section `a] b`.
const SECTION_HEADER = /^\[(.+)\]/u;
// configparser's OPTCRE with the default delimiters: the first `=` or `:` splits.
const OPTION_LINE = new RegExp(`^(.*?)[${PY_SPACE}]*(=|:)[${PY_SPACE}]*(.*)$`, 'u');
const DEFAULT_SECTION = 'DEFAULT';

// Strips the white space Python's str.strip() strips (JavaScript's trim() differs at the edges).
export function pyStrip(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

interface OpenOption {
  option: IniOption;
  parts: string[];
}

// Reads one file's text like configparser.read_string, keeping the line of every header and option.
export function readIni(text: string, file: string): IniReadResult {
  const defaults = new Map<string, IniOption>();
  const sections = new Map<string, IniSection>();
  const errors: IniSyntaxError[] = [];
  const openOptions: OpenOption[] = [];
  const defaultsSection: IniSection = { name: DEFAULT_SECTION, file, line: 0, lastLine: 0, options: defaults };

  let current: IniSection | null = null;
  let currentOption: OpenOption | null = null;
  let indentLevel = 0;
  let reportedMissingHeader = false;
  const lines = text.replace(/^\uFEFF/u, '').split(/\r\n|\r|\n/u);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const stripped = pyStrip(line);
    // A comment line neither ends a value nor adds an empty line to it (configparser does the same).
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    if (stripped === '') {
      currentOption?.parts.push('');
      return;
    }
    const indent = line.search(FIRST_NON_SPACE);
    if (current !== null && currentOption !== null && indent > indentLevel) {
      currentOption.parts.push(stripped);
      currentOption.option.lastLine = lineNumber;
      current.lastLine = lineNumber;
      return;
    }
    indentLevel = indent;

    const header = SECTION_HEADER.exec(stripped);
    if (header !== null) {
      const name = header[1] ?? '';
      currentOption = null;
      if (name === DEFAULT_SECTION) {
        // Python checks duplicates only among ordinary sections: [DEFAULT] may reopen.
        current = defaultsSection;
        if (current.line === 0) current.line = lineNumber;
        current.lastLine = Math.max(current.lastLine, lineNumber);
        return;
      }
      const earlier = sections.get(name);
      const section: IniSection = { name, file, line: lineNumber, lastLine: lineNumber, options: new Map() };
      if (earlier !== undefined) {
        errors.push({ file, line: lineNumber, section: name, message: `duplicate section (first at line ${earlier.line})` });
        // Its lines are read into a section nobody keeps, so they raise no second-hand errors.
      } else {
        sections.set(name, section);
      }
      current = section;
      return;
    }

    if (current === null) {
      if (!reportedMissingHeader) {
        errors.push({ file, line: lineNumber, message: 'a line before any [section] header' });
        reportedMissingHeader = true;
      }
      return;
    }

    const optionLine = OPTION_LINE.exec(stripped);
    if (optionLine === null) {
      // configparser keeps the option it was in, so a deeper line after this one still continues it.
      errors.push({
        file,
        line: lineNumber,
        section: current.name,
        message: 'not a `name = value` line, a [section] header, a comment or an indented continuation',
      });
      return;
    }
    const name = (optionLine[1] ?? '').replace(TRAILING_SPACE, '').toLowerCase();
    if (name === '') {
      errors.push({ file, line: lineNumber, section: current.name, message: 'an option without a name' });
      currentOption = null;
      return;
    }
    const option: IniOption = { name, value: '', file, line: lineNumber, lastLine: lineNumber };
    currentOption = { option, parts: [optionLine[3] ?? ''] };
    openOptions.push(currentOption);
    current.lastLine = lineNumber;
    const earlier = current.options.get(name);
    if (earlier !== undefined) {
      errors.push({
        file,
        line: lineNumber,
        section: current.name,
        option: name,
        message: `duplicate option (first at line ${earlier.line})`,
      });
      return; // the first one stays; this one's continuation lines go nowhere
    }
    current.options.set(name, option);
  });

  for (const open of openOptions) {
    open.option.value = open.parts.join('\n').replace(TRAILING_SPACE, '');
  }
  return { document: { files: [file], defaults, sections }, errors };
}
