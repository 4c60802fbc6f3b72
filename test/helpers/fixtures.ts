// Keys and configuration shared by the integration tests.
import { createHash } from 'node:crypto';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const ORIGINAL_KEY = 'original-form-key-0123456789';
export const HASHED_KEY = 'hashed-form-key-abcdef';
export const REMOTE_ONLY_KEY = 'only-from-10-net';
export const OPS_KEY = 'ops-only-key';

export const AUTH_CONF = `# test keys
[${ORIGINAL_KEY}]
description = the original form: the section name is the key
auth_clusters = default ops

[ci-runner]
key_sha256 = ${sha256(HASHED_KEY)}
auth_clusters = *

[remote-only]
key_sha256 = ${sha256(REMOTE_ONLY_KEY)}
auth_clusters = *
allow_from = 10.0.0.0/8 192.168.0.0/16

[ops-only]
key_sha256 = ${sha256(OPS_KEY)}
auth_clusters = ops
`;

export const RELAYS_CONF = `[default]
echo = /bin/echo
fail = /bin/sh -c "echo oops >&2; exit 3"
silentfail = /bin/sh -c "exit 4"
env = /usr/bin/env
missing = /nonexistent/program
sleep = /bin/sleep
semi = /bin/sh -c "echo a; echo b"
date = date +%s
printf = /usr/bin/printf
selfkill = /bin/sh -c "kill -SEGV $$"
cat = /bin/cat

[ops]
id = /usr/bin/id -u

[secret::thing]
command = /bin/echo secret
`;
