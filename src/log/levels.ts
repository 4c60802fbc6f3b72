// The original's level names (Python logging) mapped onto pino's (SPEC 1, 4).
const levelNames: ReadonlyMap<string, string> = new Map([
  ['debug', 'debug'],
  ['info', 'info'],
  ['warning', 'warn'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['critical', 'fatal'],
  ['fatal', 'fatal'],
]);

// Returns pino's level for a --log-level value in any case, or null when it is not one.
export function toPinoLevel(name: string): string | null {
  return levelNames.get(name.toLowerCase()) ?? null;
}
