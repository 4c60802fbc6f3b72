export type * from './types.js';
export { runCommand } from './run.js';
export { prepareRun } from './prepare.js';
export { stopOnAny, StopSwitch, type StopSignal } from './stop-switch.js';
export { FORCE_KILL_DELAY_MS } from './kill-group.js';
export { autoLauncher, isSpawnMode, launcherFor, resolveLauncher, SPAWN_MODES, unusableNativeAddon, type Launcher, type LauncherName, type SpawnMode } from './launch/index.js';
export { incompleteUtf8Tail, outputEventLine } from './decode.js';
