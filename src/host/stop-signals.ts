// SPEC 6: the first SIGTERM/SIGINT starts the drain; another ends its grace at once. Ctrl-C in a
// terminal can deliver SIGINT twice; either way every client still gets its answer (3007).

export interface StopSignals {
  first: Promise<NodeJS.Signals>; // resolves on the first SIGTERM or SIGINT
  endGrace: AbortSignal; // aborts on the second
}

// Installs the handlers (before anything is bound: a supervisor may signal at once).
export function listenForStopSignals(): StopSignals {
  const endGrace = new AbortController();
  let signals = 0;
  const first = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) resolve(signal);
      else endGrace.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return { first, endGrace: endGrace.signal };
}
