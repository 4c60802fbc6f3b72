export { startRelayServer, type RelayServer, type ServerOptions } from './server.js';
export { ConnectionLimits, type ConnectionGate, type ConnectionLimitOptions } from './connection-limits.js';
export type { HttpServer, HttpServerOptions } from './http/index.js';
import type * as HttpDoor from './http/index.js';

// The HTTP door is loaded only when it is opened: fastify stays out of a plain TCP daemon.
export const loadHttpDoor = (): Promise<typeof HttpDoor> => import('./http/index.js');
