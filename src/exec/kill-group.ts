// Signals go to the command's whole process group (SPEC 5.1): the command is started detached,
// so its pid is also its group id, and `kill(-pgid)` reaches every descendant that stayed in it.
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadNativeAddon } from '../native/addon.js';
import { isLive, readAllProcStats } from './proc-stat.js';

// How long a group gets between SIGTERM and SIGKILL (SPEC 5.1).
export const FORCE_KILL_DELAY_MS = 5_000;

// Between SIGTERM and SIGKILL we look whether the group is gone: soon at first (most commands
// die at once), then less often.
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 200;

// Sends a signal (0 = only look) to a process group; false when it cannot reach anyone in it.
function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  // ESRCH: nobody left. EPERM: every member left changed user (a setuid program) and is
  // beyond our reach. Either way there is nothing more to do, and a kill must never throw
  // into the run that asked for it. The addon answers without an exception (most groups are
  // gone by the time their leader's exit is seen).
  const addon = loadNativeAddon();
  if (addon !== null) return addon.signalGroup(pgid, signal === 0 ? 0 : constants.signals[signal]) === 0;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

// Ends a process group: SIGTERM now, SIGKILL after the grace if a member is still running.
// Resolves once the group is gone or has been sent SIGKILL; after that the pgid is never
// signalled again, so a recycled id cannot be hit.
export async function killProcessGroup(pgid: number, graceMs: number = FORCE_KILL_DELAY_MS): Promise<void> {
  if (!signalProcessGroup(pgid, 'SIGTERM')) return;
  const deadline = performance.now() + graceMs;
  for (let poll = FIRST_POLL_MS; performance.now() < deadline; poll = Math.min(poll * 2, MAX_POLL_MS)) {
    await sleep(Math.min(poll, Math.max(0, deadline - performance.now())));
    if (!signalProcessGroup(pgid, 0) || !(await groupHasLiveMember(pgid))) return;
  }
  signalProcessGroup(pgid, 'SIGKILL');
}

// Whether a process group still has a running member. `kill(-pgid, 0)` alone is not enough: it
// also succeeds for zombies, and an orphan's zombie waits for init to reap it, which some inits
// (containers, VMs) do only every few seconds; waiting for that would delay every answer.
// True when some process of the group is not a zombie; true as well when /proc cannot tell.
async function groupHasLiveMember(pgid: number): Promise<boolean> {
  const stats = await readAllProcStats();
  return stats === null || stats.some((stat) => stat.pgrp === pgid && isLive(stat));
}
