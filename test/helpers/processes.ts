// /proc look-ups for tests: which processes run, in which group, under which parent. They parse
// /proc/<pid>/stat with the daemon's own reader and count a process as running by the daemon's own
// rule (isLive: not a zombie, not dead, not already inside exit()).
import { readdirSync } from 'node:fs';
import { isLive, readProcStatSync, type ProcStat } from '../../src/exec/proc-stat.js';

// Every process /proc shows now (one that ends meanwhile is left out).
export function listProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStatSync(Number(name));
    if (stat !== null) stats.push(stat);
  }
  return stats;
}

// Pids of the group's members that are still running.
export function liveMembers(pgid: number): number[] {
  return listProcesses()
    .filter((stat) => stat.pgrp === pgid && isLive(stat))
    .map((stat) => stat.pid);
}

// Whether a pid is a running process.
export function isRunning(pid: number): boolean {
  const stat = readProcStatSync(pid);
  return stat !== null && isLive(stat);
}

// The children of a process (ours by default), zombies included.
export function childrenOf(ppid: number = process.pid): ProcStat[] {
  return listProcesses().filter((stat) => stat.ppid === ppid);
}

// Children of a process (ours by default) that exited and were never reaped.
export function zombieChildren(ppid: number = process.pid): number[] {
  return childrenOf(ppid)
    .filter((stat) => stat.state === 'Z')
    .map((stat) => stat.pid);
}
