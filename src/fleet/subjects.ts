// NATS subjects of the fleet. Requests go to one subject and every agent filters on the signed
// target itself: NATS wildcards live on the subscribing side, so a sender cannot publish to "all
// names matching *.prod", and trusting the subject would let a broker re-aim a request.

export const REQUEST_SUBJECT = 'uscmdrelay.request';

// Where signals for `name` go; the name is checked (agentNameProblem) to be a valid subject tail.
export function signalSubject(name: string): string {
  return `uscmdrelay.signal.${name}`;
}
