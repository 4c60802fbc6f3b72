// configparser.read([f1, f2, …]): several files become one, later files overriding key by key.
import type { IniDocument } from './ini-types.js';

// Merges documents in order; a section met again keeps its place and first header line.
export function mergeIni(documents: readonly IniDocument[]): IniDocument {
  const merged: IniDocument = { files: [], defaults: new Map(), sections: new Map() };
  for (const document of documents) {
    merged.files.push(...document.files);
    for (const [name, option] of document.defaults) merged.defaults.set(name, option);
    for (const [name, section] of document.sections) {
      let target = merged.sections.get(name);
      if (target === undefined) {
        target = { ...section, options: new Map() };
        merged.sections.set(name, target);
      }
      for (const [optionName, option] of section.options) target.options.set(optionName, option);
    }
  }
  return merged;
}
