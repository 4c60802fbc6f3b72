// The relays.conf the HTTP door tests share: one command per outcome of SPEC 11's status table.

const MIB = 1024 ** 2;
export const FLOOD_BYTES = 128 * MIB;

export const HTTP_RELAYS = `[default]
echo = /bin/echo
fail = /bin/sh -c "echo oops >&2; exit 3"
missing = /nonexistent/program
selfkill = /bin/sh -c "kill -SEGV $$"
staged = /bin/sh -c "echo one; echo two >&2; echo three"

[t::sleepy]
command = /bin/sleep 5
timeout = 0.3

[t::capped]
command = /usr/bin/yes
max_output = 1K

[t::two]
command = /bin/echo
args = 1-2

[t::cat]
command = /bin/cat
payload = stdin
max_payload = 4

[t::gate]
command = /bin/sh -c 'touch "$1.started"; while [ ! -e "$1" ]; do sleep 0.02; done; echo released' gate

[t::single]
command = /bin/sh -c 'touch "$1.started"; while [ ! -e "$1" ]; do sleep 0.02; done; echo released' single
concurrency = 1

[t::flood]
command = /bin/sh -c 'yes | head -c ${FLOOD_BYTES}; touch "$1"' flood
timeout = 120
`;
