// The config folder's one door: load the snapshot, and the pieces other folders reuse (the key
// tool reads auth.conf with readIni and checks values with the daemon's parsers and label rule;
// the fleet checks public keys; the client and the fleet check key files' modes; the CLI prints
// problems).
export type * from './types.js';
export type { IniDocument, IniOption, IniReadResult, IniSection, IniSyntaxError } from './ini-types.js';
export type { LoadConfigOptions } from './load-snapshot.js';
export { loadConfigSnapshot } from './load-snapshot.js';
export { ConfigError, formatProblem } from './problems.js';
export { shlexSplit, ShlexError } from './shlex.js';
export { hashKey, isEd25519PublicKey, labelForOriginalKey } from './key-identity.js';
export { readIni } from './ini-reader.js';
export { authSectionForm, authSectionLabel, parseClusters, type KeyForm } from './auth-conf.js';
export { parseAllowFrom } from './allow-from.js';
export { mergeIni } from './ini-merge.js';
export { accessibleByGroupOrOthers, candidatePaths, defaultSearchDirs, privateFileProblem, readUtf8File } from './files.js';
export { DEFAULT_MAX_PAYLOAD } from './command-options.js';
export { namesPositionalParameter, shellScript } from './shell-script.js';
