// The request of SPEC 2.1: its type holds every field of the schema, defaults are filled in, and
// the key is required only where the body carries the credential.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readRequest, RelayError, REQUEST_FIELDS } from '../../src/protocol/index.js';

const readShippedSchema = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const refusal = (message: string) => (error: unknown) => error instanceof RelayError && error.code === 2099 && error.message === `Malformed request: ${message}`;

describe('the request type and the schema', () => {
  it('REQUEST_FIELDS (WireRequest) names exactly the properties of schemas/request.schema.json', () => {
    const properties = readShippedSchema('request.schema.json').properties;
    assert.ok(properties !== null && typeof properties === 'object');
    assert.deepEqual([...REQUEST_FIELDS].sort(), Object.keys(properties).sort());
  });

  it('fills in the defaults, makes one argument an array, and keeps the key out of the request', () => {
    const { request, bodyKey } = readRequest({ auth_key: 'k', command: 'c', arguments: 'one', unknown: 1 }, true);
    assert.deepEqual(request, { command: 'c', arguments: ['one'], stream: false, op: 'run', detach: false });
    assert.equal(bodyKey, 'k');
  });

  it('keeps every other field as sent', () => {
    const wire = { command: 'c', arguments: ['a'], id: 'x', stream: true, payload: 'p', payload_encoding: 'base64', timeout: 1.5, detach: true } as const;
    assert.deepEqual(readRequest(wire, false).request, { ...wire, op: 'run', arguments: ['a'] });
    assert.deepEqual(readRequest({ op: 'job', job_id: 'j', offset: 3, wait: 2 }, false).request, { command: '', arguments: [], stream: false, op: 'job', detach: false, job_id: 'j', offset: 3, wait: 2 });
  });

  it('requires auth_key only when the credential is in the body', () => {
    assert.throws(() => readRequest({ command: 'c' }, true), refusal("missing field 'auth_key'"));
    assert.equal(readRequest({ command: 'c' }, false).bodyKey, undefined);
  });

  it('refuses what is not an object, and names the bad field', () => {
    assert.throws(() => readRequest([1], false), refusal('request must be a JSON object'));
    assert.throws(() => readRequest({ command: 5 }, false), refusal("field 'command' must be string"));
  });
});
