export { startRelayServer, type RelayServer, type ServerOptions } from './tcp/listener.js';
export { ConnectionLimits, defaultMaxPerAddress, normalizeAddress, type ConnectionGate, type ConnectionLimitOptions } from './connection-limits.js';
export { openDaemon, type DaemonOptions } from './daemon.js';
export type { HttpServer, HttpServerOptions } from './http/index.js';
