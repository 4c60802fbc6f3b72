export { startRelayServer, type RelayServer, type ServerOptions } from './server.js';
export { ConnectionLimits, defaultMaxPerAddress, normalizeAddress } from './connection-limits.js';
