// Loads the project's N-API addon (native/, built by scripts/build-native.mjs during install).
// It is optional: when it was not built (no compiler), loadNativeAddon() answers null and the
// daemon uses the portable launcher (SPEC 5.5).
import { createRequire } from 'node:module';
import { join } from 'node:path';

// What the exit callback receives: the exit code (-1 when a signal ended the process) and the
// signal number (0 when it exited by itself).
export type NativeExitCallback = (exitCode: number, signalNumber: number) => void;

export interface NativeAddon {
  // Starts `file` with posix_spawn (see native/uscmdrelay.c). Answers [pid, stdinFd (-1 when
  // stdin is /dev/null), stdoutFd, stderrFd]; the caller owns the three descriptors. Throws an
  // Error whose `code` is the errno name (ENOENT, EACCES, ENOEXEC...) when it cannot start.
  spawn(
    file: string,
    argv: readonly string[],
    env: readonly string[],
    cwd: string,
    pipeStdin: boolean,
    onExit: NativeExitCallback,
  ): [number, number, number, number];
  // Sends one datagram to a systemd notification socket; '@' starts an abstract address.
  // Throws (with an errno `code`) when it cannot.
  sdNotify(socketPath: string, message: string): void;
}

// dist/native/addon.js and src/native/addon.ts are both two levels below the package root.
const ADDON_PATH = join(import.meta.dirname, '..', '..', 'build', 'Release', 'uscmdrelay.node');

let loaded: NativeAddon | null | undefined;

// The addon, or null when it is not built or cannot be loaded here. Loaded once.
export function loadNativeAddon(): NativeAddon | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== 'linux' || process.env.USCMDRELAY_NO_NATIVE_ADDON) return loaded;
  try {
    const candidate: unknown = createRequire(import.meta.url)(ADDON_PATH);
    if (isNativeAddon(candidate)) loaded = candidate;
  } catch {
    // not built, or built for another Node: the portable launcher it is
  }
  return loaded;
}

function isNativeAddon(value: unknown): value is NativeAddon {
  return (
    typeof value === 'object' &&
    value !== null &&
    'spawn' in value &&
    typeof value.spawn === 'function' &&
    'sdNotify' in value &&
    typeof value.sdNotify === 'function'
  );
}
