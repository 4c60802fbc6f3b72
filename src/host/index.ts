// The one lifecycle every door shares (config holder, SIGHUP, drain, stop signals), and what a
// service manager (systemd) hands in and wants to hear.
export { runHost, CLOSE_DOORS_MS, type Door, type Hosted, type HostEnd, type HostOptions } from './host.js';
export { createConfigHolder, type ConfigHolder, type ConfigSource } from './config-holder.js';
export { listenForStopSignals, type SignalSource, type StopSignals } from './stop-signals.js';
export { StartupError, listenFailure } from './startup-error.js';
export { ActivationError, takeActivatedSockets, type ActivatedSockets } from './activation.js';
export { createServiceNotifier, nativeNotifySend, watchdogIntervalMs, type NotifyOptions, type NotifySend, type ServiceNotifier } from './notify.js';
export { nativeTrimMemory, trimWhenQuiet, QUIET_CHECK_MS } from './memory-trim.js';
