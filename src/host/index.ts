// The host's side of the lifecycle: what a service manager (systemd) hands in and wants to hear.
export { ActivationError, SD_LISTEN_FDS_START, takeActivatedSockets, type ActivatedSockets } from './activation.js';
export { createServiceNotifier, monotonicMicroseconds, watchdogIntervalMs, type NotifyOptions, type NotifySend, type ServiceNotifier } from './notify.js';
export { createConfigHolder, type ConfigHolder, type ConfigSource } from './config-holder.js';
export { listenForStopSignals, type StopSignals } from './stop-signals.js';
export { StartupError, listenFailure } from './startup-error.js';
