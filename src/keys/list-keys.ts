// `key list` (SPEC 7.3): every key of auth.conf by label and form, never the key itself.
import { authSectionForm, authSectionLabel, type IniDocument, type IniSection, type KeyForm } from '../config/index.js';
import { authFileCandidates, readAuthFile } from './auth-file.js';

export interface KeyListing {
  label: string; // as the daemon's logs show it: an original-form key only by its hash's label
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
  return {
    label: authSectionLabel(document, section.name),
    form: authSectionForm(document, section.name),
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
