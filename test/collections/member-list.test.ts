// MemberList: what a long-lived owner keeps instead of a Set for members that come and go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemberList } from '../../src/collections/index.js';

test('members come and go: size, delete, and values as a copy', () => {
  const list = new MemberList<string>();
  for (const member of ['a', 'b', 'c', 'd']) list.add(member);
  assert.equal(list.size, 4);
  assert.equal(list.delete('b'), true);
  assert.equal(list.delete('b'), false, 'not a member any more');
  assert.equal(list.delete('z'), false, 'never a member');
  assert.deepEqual(list.values().sort(), ['a', 'c', 'd']);
  const seen: string[] = [];
  for (const member of list.values()) {
    seen.push(member);
    list.delete(member); // leaving while the members are walked
  }
  assert.deepEqual(seen.sort(), ['a', 'c', 'd']);
  assert.equal(list.size, 0);
  assert.deepEqual(list.values(), []);
});

test('a member added twice is there twice, and leaves once per delete', () => {
  const list = new MemberList<object>();
  const member = {};
  list.add(member);
  list.add(member);
  assert.equal(list.delete(member), true);
  assert.equal(list.size, 1);
  assert.equal(list.delete(member), true);
  assert.equal(list.size, 0);
});

test('the last member and the only member can leave', () => {
  const list = new MemberList<number>();
  list.add(1);
  assert.equal(list.delete(1), true);
  list.add(2);
  list.add(3);
  assert.equal(list.delete(3), true);
  assert.deepEqual(list.values(), [2]);
});
