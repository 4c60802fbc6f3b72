// Loads the project's N-API addon (native/, built by scripts/build-native.mjs during install).
// It is optional: when it was not built (no compiler), loadNativeAddon() answers null and the
// daemon uses the portable launcher (SPEC 5.5).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// A child started by launch(): what pauseOutput/resumeOutput/closeOutput take.
export type NativeChild = { readonly __nativeChild: unique symbol };

// Started: errorCode null, then the pid and the stdin pipe (-1 unless asked for; the caller owns
// it). Never started: the errno name (ENOENT, EACCES, ENOEXEC...) and a message.
export type NativeStartCallback = (errorCode: string | null, pidOrMessage: number | string, stdinFd?: number) => void;
// A chunk from stdout (0) or stderr (1); null once that pipe is closed.
export type NativeOutputCallback = (index: 0 | 1, chunk: Buffer | null) => void;
// The exit code (-1 when a signal ended the process) and the signal number (0 when none).
export type NativeExitCallback = (exitCode: number, signalNumber: number) => void;

// A listening socket served by tcpServe: what tcpStopServe takes.
export type NativeTcpServer = { readonly __nativeTcpServer: unique symbol };

export interface NativeAddon {
  // Starts `file` with posix_spawn on a libuv worker thread, or with onLoop on the event loop
  // (onStart is then called before launch() returns; see native/uscmdrelay.c), and reads its
  // stdout and stderr on the event loop. Throws a TypeError at once for a string with a NUL
  // byte; everything else arrives through the callbacks, onStart first.
  // `env`: each of the `envCount` entries followed by a NUL ("A=1\0B=2\0"), one string to
  // convert instead of one per variable; a NUL inside an entry makes the count wrong and throws.
  launch(
    file: string,
    argv: readonly string[],
    env: string,
    envCount: number,
    cwd: string,
    pipeStdin: boolean,
    onStart: NativeStartCallback,
    onOutput: NativeOutputCallback,
    onExit: NativeExitCallback,
    onLoop?: boolean,
  ): NativeChild;
  // Read both pipes (nothing is read before the first call), stop reading them (the writer then
  // blocks), or close both now.
  resumeOutput(child: NativeChild): void;
  pauseOutput(child: NativeChild): void;
  closeOutput(child: NativeChild): void;
  // One stream-mode line, prefix + the bytes as a JSON string body (WHATWG decoding, JSON.stringify
  // escaping) + '"}\n' (see native/uscmdrelay.c).
  outputLine(prefix: Buffer, bytes: Buffer): Buffer;
  // kill(-pgid, signalNumber): 0, or the errno number (ESRCH once the group is gone); no
  // exception to build for the common case of a group that ended with its leader.
  signalGroup(pgid: number, signalNumber: number): number;
  // Sends one datagram to a systemd notification socket; '@' starts an abstract address.
  // Throws (with an errno `code`) when it cannot.
  sdNotify(socketPath: string, message: string): void;
  // malloc_trim(0): gives the C library's free heap pages back to the kernel; true when some
  // were (always false without glibc).
  trimMemory(): boolean;
  // Where the running Node exports OpenSSL's SHA256_* (native/uscmdrelay.c); else absent.
  sha256?: (text: string) => Buffer;
  // Plain TCP connections accepted, read and written here (native/tcp.c): on a duplicate of the
  // listening socket `fd`, every callback on the event loop. A connection's id names it until
  // it is destroyed or reported closed.
  tcpServe(
    fd: number,
    onConnection: (id: number, remoteAddress: string, remotePort: number) => void,
    onData: (id: number, chunk: Buffer) => void,
    onEnd: (id: number) => void,
    onWritten: (id: number) => void,
    onClosed: (id: number, code: string, syscall: 'read' | 'write') => void,
  ): NativeTcpServer;
  // Writes now what the kernel takes and queues the rest: the bytes queued, or the errno name
  // when the connection is broken (the caller destroys it).
  tcpWrite(id: number, data: string | Uint8Array): number | string;
  // Half-closes once the queue is written: 1 when done at once, 0 when onWritten will say.
  tcpEnd(id: number): number;
  tcpDestroy(id: number): void;
  tcpStopServe(server: NativeTcpServer): void;
}

// dist/native/addon.js and src/native/addon.ts are both two levels below the package root.
const ADDON_PATH = join(import.meta.dirname, '..', '..', 'build', 'Release', 'uscmdrelay.node');

let loaded: NativeAddon | null | undefined;
// Why an addon that was built is not used; null when it is used, or was never built.
let problem: string | null = null;

// The addon, or null when it is not built or cannot be loaded here. Loaded once.
export function loadNativeAddon(): NativeAddon | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== 'linux' || process.env.USCMDRELAY_NO_NATIVE_ADDON) return loaded;
  try {
    const candidate: unknown = createRequire(import.meta.url)(ADDON_PATH);
    if (isNativeAddon(candidate)) loaded = candidate;
    else problem = `${ADDON_PATH}: built from an older version of this package`;
  } catch (error) {
    // Not built (no compiler at install): the portable launcher it is, as the install said. Built
    // but unusable (for another Node, damaged): that is worth a word to the operator.
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    if (existsSync(ADDON_PATH)) problem = first.includes(ADDON_PATH) ? first : `${ADDON_PATH}: ${first}`;
  }
  return loaded;
}

// Why the addon that was built is not used (it cannot be loaded, or it is older than this code):
// one line for the operator, who rebuilds it by reinstalling the package (or `npm rebuild
// uscmdrelay`); null when the addon is used, was never built, or is turned off.
export function nativeAddonProblem(): string | null {
  loadNativeAddon();
  return problem;
}

function isNativeAddon(value: unknown): value is NativeAddon {
  return (
    typeof value === 'object' &&
    value !== null &&
    'launch' in value &&
    typeof value.launch === 'function' &&
    'outputLine' in value &&
    typeof value.outputLine === 'function' &&
    'signalGroup' in value &&
    typeof value.signalGroup === 'function' &&
    'sdNotify' in value &&
    typeof value.sdNotify === 'function' &&
    'trimMemory' in value &&
    typeof value.trimMemory === 'function' &&
    'tcpServe' in value &&
    typeof value.tcpServe === 'function'
  );
}
