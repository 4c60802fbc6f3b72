// The doors, side by side: tcp/ and http/ are what `serve` hosts (openDaemon); nats/ is the
// agent's door, imported from './nats/index.js' by `agent` alone, so that `serve` never loads the
// NATS client (nor, without --http-port, fastify).
export { ConnectionLimits, defaultMaxPerAddress, normalizeAddress, type ConnectionGate, type ConnectionLimitOptions } from './connection-limits.js';
export { openDaemon, type DaemonOptions } from './daemon.js';
