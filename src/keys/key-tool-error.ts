// A refusal of the key tool (duplicate label, bad value, unreadable auth.conf): the CLI prints the
// message and exits non-zero; the file is left untouched.
export class KeyToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyToolError';
  }
}
