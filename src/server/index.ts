// The doors, side by side: tcp/ and http/ are what `serve` hosts (openDaemon, which loads http/
// only when that door opens); nats/ is the agent's door, which `agent` imports from its own
// index ('./nats/index.js').
export { ConnectionLimits, defaultMaxPerAddress, normalizeAddress, type ConnectionGate, type ConnectionLimitOptions } from './connection-limits.js';
export { openDaemon, type DaemonOptions } from './daemon.js';
