// Start-up failures (SPEC 6): one line on stderr, exit 2, never a stack trace.
import { exits, exitWith } from './exits.js';

export function startupFailure(message: string): never {
  return exitWith(exits.USAGE, message);
}

// Runs one start-up step; an error becomes "what: message" and exit 2.
export function startupStep<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    return startupFailure(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
