// SPEC 2: where a request ends. In-process, byte by byte as well as in one chunk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequestBody, encodeLine, readRequest, RelayError, RequestFramer, type FrameState, type RoadRequest } from '../../src/protocol/index.js';

// What the TCP door does with a framed body: decode it, validate it with the key in it.
const parseRequest = (body: Buffer | string): RoadRequest => readRequest(decodeRequestBody(body), true).request;

// Feeds `text` in chunks of `size` bytes; returns the final state and how many bytes were taken.
function frame(text: string, size = Infinity, max = 1_048_576): FrameState {
  const framer = new RequestFramer(max);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += Math.min(size, bytes.length)) {
    const state = framer.push(bytes.subarray(at, at + Math.min(size, bytes.length)));
    if (state.kind !== 'pending') return state;
  }
  return { kind: 'pending' };
}

const body = (state: FrameState): string => (state.kind === 'complete' ? state.body.toString() : `<${state.kind}>`);

const PRETTY = '{\n  "auth_key": "k",\n  "command": "uptime",\n  "arguments": ["a}", "b\\"{"]\n}\n';

describe('request framing', () => {
  for (const size of [Infinity, 1, 3]) {
    it(`a pretty-printed request spanning several lines is one request (chunks of ${size})`, () => {
      const state = frame(`${PRETTY}garbage after`, size);
      assert.equal(body(state), PRETTY.slice(0, -1));
      assert.deepEqual(parseRequest(body(state)).arguments, ['a}', 'b"{']);
    });

    it(`leading blank lines are ignored (chunks of ${size})`, () => {
      assert.equal(body(frame('\n\r\n  \n{"auth_key":"k","command":"x"}\nrest', size)).trim(), '{"auth_key":"k","command":"x"}');
    });

    it(`a one-line request still ends at its newline (chunks of ${size})`, () => {
      assert.equal(body(frame('{"auth_key":"k","command":"x"}\n{"second":1}\n', size)), '{"auth_key":"k","command":"x"}');
    });
  }

  it('an incomplete object waits for more lines', () => {
    assert.equal(frame('{\n"auth_key": "k",\n').kind, 'pending');
  });

  for (const [name, text] of [
    ['a line that cannot start an object', 'hello\n{"auth_key":"k"}'],
    ['an array', '[1,2]\n'],
    ['a line that cannot continue one', '{"auth_key": "k",\nauth = yes\n}\n'],
    ['a raw newline inside a string', '{"auth_key": "k\nx"}'],
    ['text after the object on its line', '{"auth_key":"k","command":"x"} trailing\n'],
  ]) {
    it(`${name} ends the request at once, and it is 2099`, () => {
      const state = frame(text ?? '');
      assert.equal(state.kind, 'complete');
      assert.throws(
        () => parseRequest(body(state)),
        (error: unknown) => error instanceof RelayError && error.code === 2099,
      );
    });
  }

  it('the size cap counts every line', () => {
    assert.equal(frame(`{\n"auth_key": "${'k'.repeat(200)}",\n"command": "x"}\n`, 16, 100).kind, 'too_large');
  });

  it('a request of exactly the cap fits; one byte more does not', () => {
    const request = '{"auth_key":"k","command":"x"}';
    assert.equal(body(frame(`${request}\n`, Infinity, request.length)), request);
    assert.equal(frame(`${request}\n`, Infinity, request.length - 1).kind, 'too_large');
  });

  it('a CRLF line end is not part of the request', () => {
    assert.equal(body(frame('{"auth_key":"k","command":"x"}\r\n')), '{"auth_key":"k","command":"x"}');
  });

  it('an escaped quote or backslash does not end a string', () => {
    const request = '{"auth_key":"k\\\\","command":"x","arguments":["say \\"}\\""]}';
    for (const size of [Infinity, 1]) assert.deepEqual(parseRequest(body(frame(`${request}\n`, size))).arguments, ['say "}"']);
  });

  it('the end of the sending side completes the request with what arrived', () => {
    const framer = new RequestFramer(1_048_576);
    assert.equal(framer.push(Buffer.from('{"auth_key":"k","command":"x"}')).kind, 'pending');
    const state = framer.end();
    assert.equal(body(state), '{"auth_key":"k","command":"x"}');
  });

  it('nothing at all before the end is an empty request', () => {
    assert.equal(body(new RequestFramer(16).end()), '');
  });
});

describe('encodeLine', () => {
  it('writes one JSON object and one newline', () => {
    assert.equal(encodeLine({ status: 'ok', message: 'a\nb' }), '{"status":"ok","message":"a\\nb"}\n');
  });
});

describe('request id (SPEC 2.1)', () => {
  it('may be a number, and is kept as sent', () => {
    assert.equal(parseRequest('{"auth_key":"k","command":"x","id":42}').id, 42);
    assert.equal(parseRequest('{"auth_key":"k","command":"x","id":4.5}').id, 4.5);
    assert.equal(parseRequest('{"auth_key":"k","command":"x","id":"abc"}').id, 'abc');
  });

  it('other types are 2099', () => {
    for (const id of ['true', 'null', '[1]', '{}']) {
      assert.throws(
        () => parseRequest(`{"auth_key":"k","command":"x","id":${id}}`),
        (error: unknown) => error instanceof RelayError && error.code === 2099 && error.message === "Malformed request: field 'id' must be a string or a number",
        id,
      );
    }
  });
});
