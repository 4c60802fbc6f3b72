// /proc/<pid>/stat as the daemon reads it: a process's state, group, session and start time (for
// process-group kills, and for telling a job's process from whatever got its pid later).
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  state: string; // R, S, D, Z (zombie), X (dead), ...
  exiting: boolean; // inside exit(): it runs no more of its own code (see PF_EXITING)
  startTime: string; // field 22: clock ticks since boot
}

// PF_EXITING in field 9 (the kernel's task flags): set as a process enters exit(). It closes its
// files (so a reader sees end of file on its pipes) before it becomes a zombie; in between /proc
// still shows it R or D.
const PF_EXITING = 0x4;

function parseStat(text: string): ProcStat | null {
  // The command name is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field N is fields[N - 3].
  const startTime = fields[19];
  if (startTime === undefined) return null;
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: Number(fields[1]),
    state: fields[0] ?? '',
    exiting: (Number(fields[6]) & PF_EXITING) !== 0,
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTime,
  };
}

// A process still running: neither a zombie nor dead, nor on its way out.
export const isLive = (stat: Pick<ProcStat, 'state' | 'exiting'>): boolean => stat.state !== 'Z' && stat.state !== 'X' && !stat.exiting;

// One process's stat, now (synchronously); null when it is gone or /proc cannot tell.
export function readProcStatSync(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

export async function readProcStat(pid: number | string): Promise<ProcStat | null> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

// The stat of every process; null when /proc cannot be listed.
export async function readAllProcStats(): Promise<ProcStat[] | null> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  const stats = await Promise.all(entries.filter((name) => /^\d+$/.test(name)).map((pid) => readProcStat(pid)));
  return stats.filter((stat): stat is ProcStat => stat !== null);
}
