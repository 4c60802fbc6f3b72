export { addKey, type NewKey, type NewKeyOptions } from './add-key.js';
export { listKeys, type KeyListing, type KeyForm } from './list-keys.js';
export { revokeKey } from './revoke-key.js';
export { KeyToolError } from './key-tool-error.js';
