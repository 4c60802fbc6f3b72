// Telling our job's process apart from whatever got its pid later: a pid with the same start time
// (/proc/<pid>/stat field 22, clock ticks since boot) is the same process.
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

interface ProcStat {
  pgrp: number;
  session: number;
  state: string;
  startTime: string;
}

function parseStat(text: string): ProcStat | null {
  // The command name is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field N is fields[N - 3].
  const startTime = fields[19];
  if (startTime === undefined) return null;
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), session: Number(fields[3]), startTime };
}

// The start time of a live process, read at once after spawn; null when /proc cannot tell.
export function processStartTime(pid: number): string | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.startTime ?? null;
  } catch {
    return null;
  }
}

async function readStat(pid: string): Promise<ProcStat | null> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

// Whether the process group a job started (leader pid = pgid, started at startTime) still has
// live members. If a process with that pid lives it must be the leader itself (same start time).
// If the leader is gone, its group lives on in members of the same group and session (setsid
// made both equal to the leader's pid) that started no earlier than the leader; as long as they
// live, the kernel does not hand that pid to a new process, so no one else can be in the group.
export async function jobGroupAlive(pgid: number, startTime: string): Promise<boolean> {
  if (!/^\d+$/.test(startTime) || !Number.isInteger(pgid) || pgid <= 1) return false;
  const leader = await readStat(String(pgid));
  if (leader !== null) return leader.startTime === startTime && leader.state !== 'Z' && leader.state !== 'X';
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return false;
  }
  const stats = await Promise.all(entries.filter((name) => /^\d+$/.test(name)).map((pid) => readStat(pid)));
  return stats.some(
    (entry) =>
      entry !== null &&
      entry.pgrp === pgid &&
      entry.session === pgid &&
      entry.state !== 'Z' &&
      entry.state !== 'X' &&
      BigInt(entry.startTime) >= BigInt(startTime),
  );
}
