// auth.conf (SPEC 3.3): one section per key, in the original form (the section name IS the key),
// the hashed form (key_sha256) or as a fleet signer (public_key). An original-form section name
// is a secret: every problem and origin names that section by its label instead.
import { parseAllowFrom } from './allow-from.js';
import type { IniDocument, IniOption, IniSection } from './ini-types.js';
import { hashKey, isEd25519PublicKey, labelForOriginalKey } from './key-identity.js';
import { ShlexError, shlexSplit } from './shlex.js';
import type { ConfigProblem, KeyEntry } from './types.js';

const AUTH_OPTIONS = new Set(['key_sha256', 'public_key', 'auth_clusters', 'allow_from', 'description']);
const SHA256_HEX = /^[0-9a-fA-F]{64}$/u;

export interface KeyEntriesResult {
  keys: KeyEntry[];
  problems: ConfigProblem[];
}

// A section's own options over the [DEFAULT] ones, as configparser's items(section) sees them.
function effectiveOptions(document: IniDocument, section: IniSection): Map<string, IniOption> {
  return new Map([...document.defaults, ...section.options]);
}

// How a section holds its key: its name is the key (original), or it is a label for a key's
// SHA-256 (hashed, key_sha256) or for a fleet sender's public key (signer, public_key).
export type KeyForm = 'original' | 'hashed' | 'signer';

// The form of a section whose options (with [DEFAULT]'s) are these.
function formOf(options: ReadonlyMap<string, IniOption>): KeyForm {
  return options.has('key_sha256') ? 'hashed' : options.has('public_key') ? 'signer' : 'original';
}

// The form of the section of auth.conf named sectionName, as the daemon reads it.
export function authSectionForm(document: IniDocument, sectionName: string): KeyForm {
  const section = document.sections.get(sectionName);
  return formOf(section === undefined ? document.defaults : effectiveOptions(document, section));
}

// The name an auth.conf section may be shown by: its label, never the key an original-form name is.
export function authSectionLabel(document: IniDocument, sectionName: string): string {
  if (sectionName === 'DEFAULT' || authSectionForm(document, sectionName) !== 'original') return sectionName;
  return labelForOriginalKey(hashKey(sectionName));
}

// Parses auth_clusters: a shlex list of cluster names, or `*` alone for every cluster.
export function parseClusters(value: string): { ok: true; clusters: '*' | ReadonlySet<string> } | { ok: false; message: string } {
  let names: string[];
  try {
    names = shlexSplit(value);
  } catch (error) {
    if (error instanceof ShlexError) return { ok: false, message: error.message };
    throw error;
  }
  if (names.length === 0) return { ok: false, message: 'must name at least one cluster, or * for every cluster' };
  if (names.includes('*')) {
    if (names.length > 1) return { ok: false, message: '* means every cluster and cannot be mixed with cluster names' };
    return { ok: true, clusters: '*' };
  }
  return { ok: true, clusters: new Set(names) };
}

// Builds one KeyEntry, or null (with problems pushed) when the section is unusable.
function buildKeyEntry(document: IniDocument, section: IniSection, problems: ConfigProblem[]): KeyEntry | null {
  const options = effectiveOptions(document, section);
  const label = authSectionLabel(document, section.name);
  const before = problems.length;
  const problem = (option: IniOption | undefined, message: string): void => {
    problems.push({
      file: option?.file ?? section.file,
      line: option?.line ?? section.line,
      section: label,
      ...(option === undefined ? {} : { option: option.name }),
      message,
    });
  };

  for (const option of section.options.values()) {
    if (!AUTH_OPTIONS.has(option.name)) problem(option, `unknown option (known: ${[...AUTH_OPTIONS].join(', ')})`);
  }

  // The values of key_sha256 and public_key are never echoed: a pasted key may sit there.
  let keyHash: Buffer | null = null;
  const hashOption = options.get('key_sha256');
  if (hashOption !== undefined) {
    if (SHA256_HEX.test(hashOption.value)) keyHash = Buffer.from(hashOption.value, 'hex');
    else problem(hashOption, 'must be 64 hex digits: the SHA-256 of the key (printf %s KEY | sha256sum)');
  }
  let publicKey: string | null = null;
  const publicKeyOption = options.get('public_key');
  if (publicKeyOption !== undefined) {
    if (isEd25519PublicKey(publicKeyOption.value)) publicKey = publicKeyOption.value;
    else problem(publicKeyOption, 'must be an ed25519 public key: 43 characters of unpadded base64url');
  }
  if (formOf(options) === 'original') keyHash = hashKey(section.name);

  let clusters: '*' | ReadonlySet<string> = new Set();
  const clustersOption = options.get('auth_clusters');
  if (clustersOption === undefined) {
    problem(undefined, 'auth_clusters is required (cluster names, or * for every cluster)');
  } else {
    const parsed = parseClusters(clustersOption.value);
    if (parsed.ok) clusters = parsed.clusters;
    else problem(clustersOption, parsed.message);
  }

  let allowFrom: KeyEntry['allowFrom'] = null;
  const allowOption = options.get('allow_from');
  if (allowOption !== undefined) {
    const parsed = parseAllowFrom(allowOption.value);
    if (parsed.ok) allowFrom = parsed.list;
    else problem(allowOption, parsed.message);
  }

  if (problems.length > before) return null;
  return Object.freeze({
    label,
    description: options.get('description')?.value ?? '',
    keyHash,
    publicKey,
    clusters,
    allowFrom,
    origin: Object.freeze({ file: section.file, section: label }),
  });
}

// Reports a second section that is the same key, label or signer as an earlier one.
function checkUnique(entries: readonly KeyEntry[], document: IniDocument, problems: ConfigProblem[]): void {
  const seen = new Map<string, string>();
  const lineOf = (entry: KeyEntry): number | undefined =>
    [...document.sections.values()].find((section) => authSectionLabel(document, section.name) === entry.label)?.line;
  for (const entry of entries) {
    const claims: [string, string][] = [[`label:${entry.label}`, 'the same label']];
    if (entry.keyHash !== null) claims.push([`hash:${entry.keyHash.toString('hex')}`, 'the same key']);
    if (entry.publicKey !== null) claims.push([`public:${entry.publicKey}`, 'the same public_key']);
    for (const [claim, what] of claims) {
      const first = seen.get(claim);
      if (first === undefined) {
        seen.set(claim, entry.label);
      } else {
        const line = lineOf(entry);
        problems.push({
          file: entry.origin.file,
          ...(line === undefined ? {} : { line }),
          section: entry.label,
          message: `${what} as [${first}]`,
        });
      }
    }
  }
}

// Turns a merged auth.conf into key entries, with every problem found.
export function buildKeyEntries(document: IniDocument): KeyEntriesResult {
  const problems: ConfigProblem[] = [];
  for (const option of document.defaults.values()) {
    if (!AUTH_OPTIONS.has(option.name)) {
      problems.push({ file: option.file, line: option.line, section: 'DEFAULT', option: option.name, message: 'unknown option' });
    }
  }
  const keys: KeyEntry[] = [];
  for (const section of document.sections.values()) {
    const entry = buildKeyEntry(document, section, problems);
    if (entry !== null) keys.push(entry);
  }
  checkUnique(keys, document, problems);
  return { keys, problems };
}
