// What an option parser returns: the value, or the message of a problem with it.
export type OptionResult<T> = { ok: true; value: T } | { ok: false; message: string };

// A successful parse.
export function accept<T>(value: T): OptionResult<T> {
  return { ok: true, value };
}

// A failed parse, with the message configtest will print.
export function reject<T>(message: string): OptionResult<T> {
  return { ok: false, message };
}
