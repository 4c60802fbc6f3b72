// The exit status of `send` (SPEC 9: 0 only if at least one agent answered and every answer
// has code 0). A missing agent or too few answers for --expect is a failure too.
import type { FleetRow } from './collect.js';

export const SEND_EXIT = { OK: 0, FAILED: 1, USAGE: 2, NO_ANSWER: 3 } as const;

// 0 all answered with code 0; 1 some answer not 0, an agent missing or --expect not met; 3 no answer.
export function sendExitStatus(rows: readonly FleetRow[], expect: number | null): number {
  const answers = rows.filter((row) => row.state === 'answered');
  if (answers.length === 0) return SEND_EXIT.NO_ANSWER;
  if (rows.some((row) => row.state === 'missing' || row.response.code !== 0)) return SEND_EXIT.FAILED;
  if (expect !== null && answers.length < expect) return SEND_EXIT.FAILED;
  return SEND_EXIT.OK;
}
