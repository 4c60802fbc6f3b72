export { runDaemon, type DaemonOptions } from './daemon.js';
export { createConfigHolder, type ConfigHolder, type ConfigSource } from './config-holder.js';
