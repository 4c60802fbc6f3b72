// Whether a process group still has a running member. `kill(-pgid, 0)` alone is not enough: it
// also succeeds for zombies, and an orphan's zombie waits for init to reap it, which some inits
// (containers, VMs) do only every few seconds; waiting for that would delay every answer.
import { readdir, readFile } from 'node:fs/promises';

// True when some process of the group is not a zombie; true as well when /proc cannot tell.
export async function groupHasLiveMember(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true;
  }
  const states = await Promise.all(entries.filter((name) => /^\d+$/.test(name)).map((pid) => readGroupAndState(pid)));
  return states.some((entry) => entry !== null && entry.pgrp === pgid && entry.state !== 'Z' && entry.state !== 'X');
}

// Reads a process's state and group from /proc/<pid>/stat; null when it is already gone.
async function readGroupAndState(pid: string): Promise<{ state: string; pgrp: number } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}
