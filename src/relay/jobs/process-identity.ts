// Telling our job's process apart from whatever got its pid later: a pid with the same start time
// (/proc/<pid>/stat field 22, clock ticks since boot) is the same process.
import { isLive, readAllProcStats, readProcStat, readProcStatSync } from '../../exec/proc-stat.js';

// The start time of a live process, read at once after spawn; null when /proc cannot tell.
export function processStartTime(pid: number): string | null {
  return readProcStatSync(pid)?.startTime ?? null;
}

// Whether the process group a job started (leader pid = pgid, started at startTime) still has
// live members. If a process with that pid lives it must be the leader itself (same start time).
// If the leader is gone, its group lives on in members of the same group and session (setsid
// made both equal to the leader's pid) that started no earlier than the leader; as long as they
// live, the kernel does not hand that pid to a new process, so no one else can be in the group.
export async function jobGroupAlive(pgid: number, startTime: string): Promise<boolean> {
  if (!/^\d+$/.test(startTime) || !Number.isInteger(pgid) || pgid <= 1) return false;
  const leader = await readProcStat(pgid);
  if (leader !== null) return leader.startTime === startTime && isLive(leader);
  const stats = await readAllProcStats();
  if (stats === null) return false;
  return stats.some((stat) => stat.pgrp === pgid && stat.session === pgid && isLive(stat) && BigInt(stat.startTime) >= BigInt(startTime));
}
