// Shell mode (SPEC 5.3): the configured line is the script of `/bin/sh -c`. A line that names
// no positional parameter gets ` "$@"` appended, so `echo = echo` with arguments `a b` answers
// `a b` as the original did, while the arguments stay separate words, never shell text.

// $1…$9, ${N…}, $@, $*, ${@…}, ${*…}, ${#…} (the count or a length), $#: the line uses its arguments.
const POSITIONAL = /\$(?:[1-9@*#]|\{(?:[0-9]|[@*#]))/u;

// Whether the line names a positional parameter itself.
export function namesPositionalParameter(line: string): boolean {
  return POSITIONAL.test(line);
}

// The script that `/bin/sh -c` runs for this configured line.
export function shellScript(line: string): string {
  return namesPositionalParameter(line) ? line : `${line} "$@"`;
}
