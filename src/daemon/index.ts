export { runDaemon, type DaemonOptions } from './daemon.js';
export { StartupError } from './startup-error.js';
export { listenForStopSignals, type StopSignals } from './stop-signals.js';
export { createConfigHolder, type ConfigHolder, type ConfigSource } from './config-holder.js';
