// `key revoke` (SPEC 7.3): removes a key's section; every other byte of auth.conf stays.
import { authSectionLabel, type IniDocument, type IniSection } from '../config/index.js';
import { authFileCandidates, KeyToolError, readAuthFile, splitKeepingEnds, writePrivateFile } from './auth-file.js';

const COMMENT = /^[ \t]*[#;]/u;
const BLANK = /^[ \t]*(\r\n|\r|\n)?$/u;
// configparser reads an unindented [DEFAULT] as a header however often it reopens; the reader
// keeps only its first line, so the others are found here.
const DEFAULT_HEADER = /^\[DEFAULT\]/u;

interface LineRange {
  start: number; // 0-based index of the first line removed
  end: number; // 0-based index after the last line removed
}

// Which lines go: the section's header through the line before the next header, except a comment
// block that sits right above the next header (it introduces that one). `lines` are the file's
// lines with their ends (index = INI line number - 1).
function removalRange(lines: readonly string[], document: IniDocument, section: IniSection): LineRange {
  const start = section.line - 1;
  const headers = [...document.sections.values()].map((other) => other.line - 1);
  lines.forEach((line, index) => DEFAULT_HEADER.test(line) && headers.push(index));
  const next = Math.min(lines.length, ...headers.filter((index) => index > start));
  // Between the section's last option and the next header there are only blanks and comments.
  let keepFrom = next;
  while (keepFrom - 1 > section.lastLine - 1 && COMMENT.test(lines[keepFrom - 1] ?? '')) keepFrom -= 1;
  const commentsAbove = keepFrom < next;
  const afterBlank = keepFrom - 1 > section.lastLine - 1 && BLANK.test(lines[keepFrom - 1] ?? '');
  // Comments glued to the section's last option (no blank line between) are the section's own.
  return { start, end: commentsAbove && afterBlank ? keepFrom : next };
}

// Removes the label (as `key list` shows it: an original-form key by its `sha256:…` label, the
// key itself is never typed on a command line) from every auth.conf that has it; returns the
// files changed.
export function revokeKey(label: string, configDir: string | undefined): string[] {
  const changed: string[] = [];
  for (const file of authFileCandidates(configDir)) {
    const auth = readAuthFile(file);
    const section = [...auth.document.sections.values()].find((candidate) => authSectionLabel(auth.document, candidate.name) === label);
    if (section === undefined) continue;
    const lines = splitKeepingEnds(auth.text);
    const range = removalRange(lines, auth.document, section);
    const text = [...lines.slice(0, range.start), ...lines.slice(range.end)].join('');
    writePrivateFile(file, text, auth.stats);
    changed.push(file);
  }
  if (changed.length === 0) throw new KeyToolError(`no key labelled ${label}`);
  return changed;
}
