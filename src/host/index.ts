// The host's side of the lifecycle: what a service manager (systemd) hands in and wants to hear.
export { ActivationError, takeActivatedSockets, type ActivatedSockets } from './activation.js';
export { createServiceNotifier, watchdogIntervalMs, type NotifyOptions, type NotifySend, type ServiceNotifier } from './notify.js';
