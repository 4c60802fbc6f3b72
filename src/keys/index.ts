// The key tool (SPEC 7.3): `key new | list | revoke`, byte-preserving edits of auth.conf.
export { addKey, type NewKey, type NewKeyOptions } from './add-key.js';
export { listKeys, type KeyListing } from './list-keys.js';
export type { KeyForm } from '../config/index.js';
export { revokeKey } from './revoke-key.js';
export { KeyToolError } from './auth-file.js';
