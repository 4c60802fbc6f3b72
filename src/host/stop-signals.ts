// SPEC 6: the first SIGTERM/SIGINT starts the drain; another ends its grace at once. Ctrl-C in a
// terminal can deliver SIGINT twice; either way every client still gets its answer (3007).

// Where signals come from: the process, or a test's emitter.
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface StopSignals {
  first: Promise<NodeJS.Signals>; // resolves on the first SIGTERM or SIGINT
  endGrace: AbortSignal; // aborts on the second
}

// Installs the handlers (before anything is bound: a supervisor may signal at once).
export function listenForStopSignals(signals: SignalSource = process): StopSignals {
  const endGrace = new AbortController();
  let received = 0;
  const first = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      received += 1;
      if (received === 1) resolve(signal);
      else endGrace.abort();
    };
    signals.on('SIGTERM', onSignal);
    signals.on('SIGINT', onSignal);
  });
  return { first, endGrace: endGrace.signal };
}
