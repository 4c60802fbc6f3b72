// Socket activation (sd_listen_fds): the listening sockets systemd passes instead of binding.
// systemd puts them at fd 3, 4, … and names them with FileDescriptorName= in LISTEN_FDNAMES.

const SD_LISTEN_FDS_START = 3;

// The passed listening sockets by role: `tcp` (the relay door) and `http` (the HTTP door).
export interface ActivatedSockets {
  tcp?: number;
  http?: number;
}

export class ActivationError extends Error {
  override name = 'ActivationError';
}

const ROLES = ['tcp', 'http'] as const;
type Role = (typeof ROLES)[number];
const isRole = (name: string): name is Role => (ROLES as readonly string[]).includes(name);

// Reads LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES and removes them from env (children must never
// believe the sockets are theirs). The sockets count only when LISTEN_PID is this process.
// An fd named neither `tcp` nor `http` (systemd's default name is the socket unit's name) is the
// relay door when it is the only one; anything else ambiguous is an ActivationError.
export function takeActivatedSockets(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): ActivatedSockets {
  const { LISTEN_FDS: count, LISTEN_PID: listenPid, LISTEN_FDNAMES: names } = env;
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (count === undefined || listenPid === undefined) return {};
  if (!/^\d+$/.test(listenPid) || Number(listenPid) !== pid) return {};
  if (!/^\d+$/.test(count)) throw new ActivationError(`LISTEN_FDS=${count} is not a number of sockets`);
  const total = Number(count);
  const nameList = names === undefined || names === '' ? [] : names.split(':');
  const sockets: ActivatedSockets = {};
  const unnamed: number[] = [];
  for (let index = 0; index < total; index++) {
    const fd = SD_LISTEN_FDS_START + index;
    const name = nameList[index] ?? '';
    if (!isRole(name)) {
      unnamed.push(fd);
      continue;
    }
    if (sockets[name] !== undefined) throw new ActivationError(`two sockets are named ${name} in LISTEN_FDNAMES=${names ?? ''}`);
    sockets[name] = fd;
  }
  if (unnamed.length === 1 && sockets.tcp === undefined) sockets.tcp = unnamed[0];
  else if (unnamed.length > 0) {
    throw new ActivationError(`systemd passed ${total} sockets (LISTEN_FDNAMES=${names ?? ''}): name them tcp and http with FileDescriptorName=`);
  }
  return sockets;
}
