// `key list` (SPEC 7.3): every key of auth.conf by label and form, never the key itself.
import { hashKey, labelForOriginalKey, type IniDocument, type IniSection } from '../config/index.js';
import { authFileCandidates } from './auth-files.js';
import { readAuthFile } from './auth-file.js';

// original: the section name is the key; hashed: key_sha256; signer: a fleet public_key (SPEC 9).
export type KeyForm = 'original' | 'hashed' | 'signer';

export interface KeyListing {
  label: string;
  form: KeyForm;
  clusters: string;
  allowFrom: string;
  description: string;
  file: string;
}

// A section's option, or what [DEFAULT] gives every section.
function option(document: IniDocument, section: IniSection, name: string): string {
  return section.options.get(name)?.value ?? document.defaults.get(name)?.value ?? '';
}

function describe(document: IniDocument, section: IniSection, file: string): KeyListing {
  const form: KeyForm = section.options.has('key_sha256') ? 'hashed' : section.options.has('public_key') ? 'signer' : 'original';
  // An original-form section name is the key: only its hash's label may be shown.
  const label = form === 'original' ? labelForOriginalKey(hashKey(section.name)) : section.name;
  return {
    label,
    form,
    clusters: option(document, section, 'auth_clusters'),
    allowFrom: option(document, section, 'allow_from'),
    description: option(document, section, 'description'),
    file,
  };
}

// The keys of every auth.conf the daemon reads, in file order then section order.
export function listKeys(configDir: string | undefined): KeyListing[] {
  return authFileCandidates(configDir).flatMap((file) => {
    const { document, stats } = readAuthFile(file);
    if (stats === null) return [];
    return [...document.sections.values()].map((section) => describe(document, section, file));
  });
}
