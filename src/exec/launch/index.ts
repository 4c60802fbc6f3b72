// Which launcher starts a command (SPEC 5.5): `--spawn auto|native|portable`, and `user`/`group`
// commands always portable (posix_spawn cannot change user).
import { loadNativeAddon, nativeAddonProblem } from '../../native/addon.js';
import type { RunPlan } from '../types.js';
import { createNativeLauncher } from './native.js';
import { portableLauncher } from './portable.js';
import type { Launcher } from './types.js';

export type * from './types.js';
export { portableLauncher } from './portable.js';

export const SPAWN_MODES = ['auto', 'native', 'portable'] as const;
export type SpawnMode = (typeof SPAWN_MODES)[number];

export function isSpawnMode(value: unknown): value is SpawnMode {
  return typeof value === 'string' && (SPAWN_MODES as readonly string[]).includes(value);
}

let native: Launcher | null | undefined;

// The native launcher, or null when the addon is not built here.
export function nativeLauncher(): Launcher | null {
  if (native === undefined) {
    const addon = loadNativeAddon();
    native = addon === null ? null : createNativeLauncher(addon);
  }
  return native;
}

// `--spawn auto`: native where the addon is built, else portable.
export function autoLauncher(): Launcher {
  return nativeLauncher() ?? portableLauncher;
}

// The launcher a mode resolves to; an Error (one line, for the operator) when `native` was asked
// for and the addon is not built or cannot be used.
export function resolveLauncher(mode: SpawnMode): Launcher | Error {
  if (mode === 'portable') return portableLauncher;
  if (mode === 'auto') return autoLauncher();
  const native = nativeLauncher();
  if (native !== null) return native;
  const problem = nativeAddonProblem();
  const why = problem === null ? 'the native launcher is not built (no C compiler at install time?)' : `the native launcher cannot be used (${problem})`;
  return new Error(`--spawn native: ${why}; use --spawn auto or portable`);
}

// When commands start portable although an addon was built, why that addon cannot be used (built
// for another Node, damaged, older than the code): one line for the operator. Null when the
// launcher is native, or no addon was built (the install already said so).
export function unusableNativeAddon(launcher: Launcher): string | null {
  return launcher.name === 'portable' ? nativeAddonProblem() : null;
}

// The launcher for one plan: a command that changes user or group always starts portable.
export function launcherFor(plan: RunPlan, launcher: Launcher): Launcher {
  return plan.uid === null && plan.gid === null ? launcher : portableLauncher;
}
