// `key new` (SPEC 7.3): a fresh key whose SHA-256 alone is appended to auth.conf.
import { hashKey, readIni } from '../config/index.js';
import { authFileCandidates, authFileToWrite } from './auth-files.js';
import { checkAllowFrom, checkClusters, checkDescription, checkLabel } from './check-values.js';
import { generateKey } from './generate-key.js';
import { KeyToolError } from './key-tool-error.js';
import { readAuthFile } from './auth-file.js';
import { lineEndOf, splitKeepingEnds } from './text-lines.js';
import { writePrivateFile } from './write-private-file.js';

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

// The section as `key new` writes it; options in the order SPEC 3.3 shows them.
function sectionText(label: string, sha256: string, options: NewKeyOptions, eol: string): string {
  const lines = [`[${label}]`, `key_sha256 = ${sha256}`, `auth_clusters = ${checkClusters(options.clusters)}`];
  if (options.allowFrom !== undefined) lines.push(`allow_from = ${checkAllowFrom(options.allowFrom)}`);
  if (options.description !== undefined && options.description.trim() !== '') lines.push(`description = ${checkDescription(options.description)}`);
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
  const key = generateKey();
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
