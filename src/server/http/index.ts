export { startHttpServer, type HttpServer, type HttpServerOptions } from './listener.js';
export { httpStatusOf } from './status.js';
