// configparser's BasicInterpolation, as a superset (SPEC 3.2): `%%` is `%`, `%(name)s` is the
// value of option `name` in the same section or [DEFAULT] (itself interpolated, as configparser
// does, up to its depth of 10). Where configparser refused a `%` — a lone one, as in
// `date +%s`, or `%(` without `)s` — the text is kept literal, so no file that worked changes.
import type { IniDocument, IniOption, IniSection, IniSyntaxError } from './ini-types.js';

const MAX_DEPTH = 10; // configparser's MAX_INTERPOLATION_DEPTH
const REFERENCE = /%(?:%|\(([^)]+)\)s)/gu;

class InterpolationProblem extends Error {}

// Substitutes one value, looking names up in `lookup` (already lower-cased, as optionxform does).
export function interpolateValue(value: string, lookup: (name: string) => string | undefined, depth = 0): string {
  if (!value.includes('%')) return value;
  if (depth > MAX_DEPTH) throw new InterpolationProblem(`interpolation deeper than ${MAX_DEPTH} levels (a %(name)s loop?)`);
  return value.replace(REFERENCE, (match: string, name: string | undefined) => {
    if (name === undefined) return '%';
    const key = name.toLowerCase();
    const referenced = lookup(key);
    if (referenced === undefined) throw new InterpolationProblem(`unknown %(${name})s: no option "${key}" in this section or [DEFAULT]`);
    return interpolateValue(referenced, lookup, depth + 1);
  });
}

// Interpolates every value of `section` against its own options and [DEFAULT]'s. A [DEFAULT]
// value is interpolated once, against [DEFAULT] (configparser would redo it per section; with
// the strict option names of these files the readings cannot differ except by an error).
function interpolateSection(section: IniSection, defaults: ReadonlyMap<string, IniOption>, raw: ReadonlyMap<IniOption, string>, errors: IniSyntaxError[]): void {
  const lookup = (name: string) => {
    const option = section.options.get(name) ?? defaults.get(name);
    return option === undefined ? undefined : (raw.get(option) ?? option.value);
  };
  for (const option of section.options.values()) {
    try {
      option.value = interpolateValue(raw.get(option) ?? option.value, lookup);
    } catch (error) {
      if (!(error instanceof InterpolationProblem)) throw error;
      errors.push({ file: option.file, line: option.line, section: section.name, option: option.name, message: error.message });
    }
  }
}

// Interpolates a merged document in place (after every file is read, as configparser's get does).
export function interpolateIni(document: IniDocument): IniSyntaxError[] {
  const errors: IniSyntaxError[] = [];
  const raw = new Map<IniOption, string>();
  for (const option of document.defaults.values()) raw.set(option, option.value);
  for (const section of document.sections.values()) for (const option of section.options.values()) raw.set(option, option.value);
  const defaultsSection: IniSection = { name: 'DEFAULT', file: '', line: 0, lastLine: 0, options: document.defaults };
  for (const section of document.sections.values()) interpolateSection(section, document.defaults, raw, errors);
  interpolateSection(defaultsSection, new Map(), raw, errors);
  return errors;
}
