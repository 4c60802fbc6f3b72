export type * from './types.js';
export { runCommand } from './run.js';
export { FORCE_KILL_DELAY_MS } from './kill-group.js';
