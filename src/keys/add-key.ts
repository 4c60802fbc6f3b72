// `key new` (SPEC 7.3): a fresh key whose SHA-256 alone is appended to auth.conf. Every value is
// checked with the daemon's own parsers before auth.conf is touched, and must read back as itself.
import { randomBytes } from 'node:crypto';
import { hashKey, parseAllowFrom, parseClusters, readIni } from '../config/index.js';
import { authFileCandidates, authFileToWrite, KeyToolError, lineEndOf, readAuthFile, splitKeepingEnds, writePrivateFile } from './auth-file.js';

export interface NewKeyOptions {
  label: string;
  clusters: string;
  allowFrom?: string | undefined;
  description?: string | undefined;
  configDir?: string | undefined;
}

export interface NewKey {
  key: string; // shown once; stored nowhere
  label: string;
  file: string;
  sha256: string;
}

// Section names are verbatim in INI; this set needs no quoting anywhere (logs, env, shells).
const SAFE_LABEL = /^[A-Za-z0-9_.@-]{1,128}$/u;

// A label is a section name: safe characters, and not configparser's DEFAULT.
function checkLabel(label: string): void {
  if (!SAFE_LABEL.test(label)) {
    throw new KeyToolError(`label ${JSON.stringify(label)} must be 1 to 128 of A-Z a-z 0-9 _ . @ -`);
  }
  if (label === 'DEFAULT') throw new KeyToolError('label DEFAULT is the section every other section inherits from');
}

// A value on one line: a newline would start a new option (or section) in auth.conf.
function oneLine(flag: string, value: string): string {
  if (/[\r\n]/u.test(value) || value.includes('\0')) throw new KeyToolError(`${flag} must be one line`);
  return value.trim();
}

// A flag's value as auth.conf will hold it, refused with the daemon's message when the daemon
// would refuse it.
function checked(flag: string, value: string, parse: (line: string) => { ok: true } | { ok: false; message: string }): string {
  const line = oneLine(flag, value);
  const parsed = parse(line);
  if (!parsed.ok) throw new KeyToolError(`${flag}: ${parsed.message}`);
  return line;
}

// The section as `key new` writes it; options in the order SPEC 3.3 shows them.
function sectionText(label: string, sha256: string, options: NewKeyOptions, eol: string): string {
  const lines = [`[${label}]`, `key_sha256 = ${sha256}`, `auth_clusters = ${checked('--clusters', options.clusters, parseClusters)}`];
  if (options.allowFrom !== undefined) lines.push(`allow_from = ${checked('--allow-from', options.allowFrom, parseAllowFrom)}`);
  if (options.description !== undefined && options.description.trim() !== '') lines.push(`description = ${oneLine('--description', options.description)}`);
  return lines.map((line) => line + eol).join('');
}

// A label already used in any auth.conf the daemon reads would merge with it, option by option.
function refuseDuplicate(label: string, configDir: string | undefined): void {
  for (const file of new Set([...authFileCandidates(configDir), authFileToWrite(configDir)])) {
    if (readAuthFile(file).document.sections.has(label)) throw new KeyToolError(`label ${label} already exists in ${file}`);
  }
}

// Appends the new section after every existing byte; the file ends up 0600.
export function addKey(options: NewKeyOptions): NewKey {
  checkLabel(options.label);
  refuseDuplicate(options.label, options.configDir);
  const target = readAuthFile(authFileToWrite(options.configDir));
  // 256 random bits as 43 characters of unpadded base64url: safe in shells, INI files and URLs.
  const key = randomBytes(32).toString('base64url');
  const sha256 = hashKey(key).toString('hex');
  const eol = lineEndOf(target.text);
  // A file without a final line end gets one; a blank line keeps sections apart.
  const lines = splitKeepingEnds(target.text);
  const last = lines.at(-1) ?? '';
  let separator = '';
  if (last !== '' && !/[\r\n]$/u.test(last)) separator += eol;
  if (last.trim() !== '') separator += eol;
  const text = target.text + separator + sectionText(options.label, sha256, options, eol);
  // The edit must read back as exactly the section intended, and nothing else changed meaning.
  const check = readIni(text, target.file);
  const written = check.document.sections.get(options.label);
  if (check.errors.length > 0 || written?.options.get('key_sha256')?.value !== sha256) {
    throw new KeyToolError(`refusing to write ${target.file}: the new section would not read back as written`);
  }
  writePrivateFile(target.file, text, target.stats);
  return { key, label: options.label, file: target.file, sha256 };
}
