export { startRelayServer, type RelayServer, type ServerOptions } from './server.js';
