// What `key new` accepts before it touches auth.conf: every value must read back as itself.
import { isIP } from 'node:net';
import { shlexSplit } from '../config/index.js';
import { KeyToolError } from './key-tool-error.js';

// Section names are verbatim in INI; this set needs no quoting anywhere (logs, env, shells).
const SAFE_LABEL = /^[A-Za-z0-9_.@-]{1,128}$/u;

// A label is a section name: safe characters, and not configparser's DEFAULT.
export function checkLabel(label: string): void {
  if (!SAFE_LABEL.test(label)) {
    throw new KeyToolError(`label ${JSON.stringify(label)} must be 1 to 128 of A-Z a-z 0-9 _ . @ -`);
  }
  if (label === 'DEFAULT') throw new KeyToolError('label DEFAULT is the section every other section inherits from');
}

// A value on one line: a newline would start a new option (or section) in auth.conf.
function oneLine(name: string, value: string): string {
  if (/[\r\n]/u.test(value) || value.includes('\0')) throw new KeyToolError(`${name} must be one line`);
  return value.trim();
}

// auth_clusters: shlex-split names, or `*` alone (SPEC 3.3).
export function checkClusters(value: string): string {
  const line = oneLine('--clusters', value);
  let names: string[];
  try {
    names = shlexSplit(line);
  } catch (error) {
    throw new KeyToolError(`--clusters: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new KeyToolError('--clusters must name at least one cluster, or * for all');
  if (names.includes('*') && names.length > 1) throw new KeyToolError('--clusters: * may not be mixed with names');
  return line;
}

// allow_from: addresses or CIDR blocks separated by white space (or commas).
export function checkAllowFrom(value: string): string {
  const line = oneLine('--allow-from', value);
  const entries = line.split(/[\s,]+/u).filter(Boolean);
  if (entries.length === 0) throw new KeyToolError('--allow-from must list at least one address or CIDR block');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/u.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) throw new KeyToolError(`--allow-from: ${JSON.stringify(entry)} is not an address or CIDR block`);
  }
  return line;
}

// description: free text on one line.
export function checkDescription(value: string): string {
  return oneLine('--description', value);
}
