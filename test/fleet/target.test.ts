// Target patterns: exact names, `*` one segment, `**` (last) one or more, ALL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentNameProblem, matchesTarget, targetPatternProblem } from '../../src/fleet/index.js';

describe('matchesTarget', () => {
  const cases: Array<[string, string, boolean]> = [
    ['web1.prod.example', 'web1.prod.example', true],
    ['web1.prod.example', 'web2.prod.example', false],
    ['web1.prod', 'web1.prod.example', false],
    ['web1.prod.example.com', 'web1.prod.example', false],
    ['*.prod.example', 'web1.prod.example', true],
    ['*.prod.example', 'db.prod.example', true],
    ['*.prod.example', 'web1.test.example', false],
    ['*.prod.example', 'a.web1.prod.example', false],
    ['*', 'web1', true],
    ['*', 'web1.prod', false],
    ['web1.*.example', 'web1.prod.example', true],
    ['**', 'web1.prod.example', true],
    ['web1.**', 'web1.prod.example', true],
    ['web1.**', 'web1.prod', true],
    ['web1.**', 'web1', false],
    ['*.prod.**', 'web1.prod.example', true],
    ['*.prod.**', 'web1.test.example', false],
    ['ALL', 'anything.at.all', true],
    ['all', 'all', true],
    ['all', 'web1', false],
    ['web1.**.example', 'web1.prod.example', false], // invalid pattern aims at nobody
    ['Web1', 'web1', false],
  ];
  for (const [pattern, name, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${name}`, () => {
      assert.equal(matchesTarget(pattern, name), expected);
    });
  }
});

describe('validation', () => {
  it('accepts good names and patterns', () => {
    assert.equal(agentNameProblem('web1.prod-eu.example_2'), null);
    assert.equal(targetPatternProblem('*.prod.**'), null);
    assert.equal(targetPatternProblem('ALL'), null);
  });
  it('refuses bad names and patterns', () => {
    assert.match(agentNameProblem('web1..prod') ?? '', /segments/);
    assert.match(agentNameProblem('web 1') ?? '', /segments/);
    assert.match(agentNameProblem('web1.*') ?? '', /segments/);
    assert.match(agentNameProblem('') ?? '', /1 to 255/);
    assert.match(targetPatternProblem('**.prod') ?? '', /last/);
    assert.match(targetPatternProblem('we*b') ?? '', /bad segment/);
    assert.match(targetPatternProblem('a..b') ?? '', /bad segment/);
  });
});
