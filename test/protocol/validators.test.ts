// The daemon validates with code generated from schemas/request.schema.json ahead of time: a schema
// edit without `npm run generate` would leave it checking the old schema.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

describe('the generated request validators', () => {
  it('are what scripts/generate-validators.mjs makes of the schema today', () => {
    const fresh = execFileSync(process.execPath, [fileURLToPath(new URL('scripts/generate-validators.mjs', root)), '--stdout'], { encoding: 'utf8' });
    const committed = readFileSync(new URL('src/protocol/request-validators.generated.ts', root), 'utf8');
    // Not assert.equal: a diff of 1,200 generated lines would bury the remedy.
    assert.ok(committed === fresh, 'src/protocol/request-validators.generated.ts is stale: run `npm run generate`');
  });
});
