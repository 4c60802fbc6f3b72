// The shapes the INI reader produces: what configparser holds, plus where each part came from.

// One `name = value` entry; `line`..`lastLine` covers its continuation lines.
export interface IniOption {
  name: string; // lower-cased and right-stripped, as configparser's optionxform leaves it
  value: string; // continuation lines joined with "\n", trailing empty lines dropped
  file: string;
  line: number;
  lastLine: number;
}

// One `[section]`; `line` is its header, `lastLine` the last line of its last option.
export interface IniSection {
  name: string; // verbatim between the brackets
  file: string;
  line: number;
  lastLine: number;
  options: Map<string, IniOption>;
}

// What one file, or several merged, hold: `[DEFAULT]` apart, the other sections in file order.
export interface IniDocument {
  files: string[];
  defaults: Map<string, IniOption>;
  sections: Map<string, IniSection>;
}

// A syntax error of one file, before any meaning is given to the sections.
export interface IniSyntaxError {
  file: string;
  line: number;
  section?: string;
  option?: string;
  message: string;
}

// The reading of one file: what could be read, and what could not.
export interface IniReadResult {
  document: IniDocument;
  errors: IniSyntaxError[];
}
