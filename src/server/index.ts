export { startRelayServer, type RelayServer, type ServerOptions } from './server.js';
export { ConnectionLimits, type ConnectionGate, type ConnectionLimitOptions } from './connection-limits.js';
export { startHttpServer, type HttpServer, type HttpServerOptions } from './http/index.js';
