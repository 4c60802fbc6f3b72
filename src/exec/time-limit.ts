// A request's `timeout` (SPEC 2.1) may only lower the command's configured limit.

// The limit a run gets, in ms (0 = none): the command's, lowered by the request's when that is
// smaller. The command's 0 means none, so any request limit applies; a request limit that is
// null, 0 or negative lowers nothing.
export function effectiveTimeoutMs(commandMs: number, requestMs: number | null): number {
  if (requestMs === null || !(requestMs > 0)) return commandMs;
  return commandMs === 0 ? requestMs : Math.min(commandMs, requestMs);
}
