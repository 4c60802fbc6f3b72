// The command's time limit (`timeout`, SPEC 5.2). execa's own `timeout` option is not used: it
// would kill only the group leader, and the whole group has to go.

// Calls onTimeout once timeoutMs have passed (0 = no limit); returns a function that disarms it.
export function armTimeout(timeoutMs: number, onTimeout: () => void): () => void {
  if (timeoutMs <= 0 || !Number.isFinite(timeoutMs)) return () => {};
  const timer = setTimeout(onTimeout, timeoutMs);
  return () => clearTimeout(timer);
}
