// `key revoke` (SPEC 7.3): removes a key's section; every other byte of auth.conf stays.
import { hashKey, labelForOriginalKey, type IniDocument, type IniSection } from '../config/index.js';
import { authFileCandidates } from './auth-files.js';
import { KeyToolError } from './key-tool-error.js';
import { readAuthFile } from './auth-file.js';
import { removalRange } from './removal-range.js';
import { splitKeepingEnds } from './text-lines.js';
import { writePrivateFile } from './write-private-file.js';

// The section a label names: a hashed or signer section by its name, an original-form one by
// its `sha256:…` label (the key itself is never typed on a command line).
function findSection(document: IniDocument, label: string): IniSection | undefined {
  const byName = document.sections.get(label);
  if (byName !== undefined && (byName.options.has('key_sha256') || byName.options.has('public_key'))) return byName;
  return [...document.sections.values()].find(
    (section) => !section.options.has('key_sha256') && !section.options.has('public_key') && labelForOriginalKey(hashKey(section.name)) === label,
  );
}

// Removes the label from every auth.conf that has it; returns the files changed.
export function revokeKey(label: string, configDir: string | undefined): string[] {
  const changed: string[] = [];
  for (const file of authFileCandidates(configDir)) {
    const auth = readAuthFile(file);
    const section = findSection(auth.document, label);
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
