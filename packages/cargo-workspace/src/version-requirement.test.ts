import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isSingleVersionRequirement, moveRequirement } from './version-requirement.js';

it('moves caret, tilde and exact requirements to a version, keeping the operator', () => {
  assert.equal(moveRequirement('0.1.0', '0.2.0'), '0.2.0');
  assert.equal(moveRequirement('0.1', '0.1.1'), '0.1.1');
  assert.equal(moveRequirement('^1', '1.2.0'), '^1.2.0');
  assert.equal(moveRequirement('~0.1.0', '0.1.1'), '~0.1.1');
  assert.equal(moveRequirement('= 0.1.0-rc.1', '0.1.0'), '=0.1.0');
});

it('leaves ranges, wildcards and lists to their author', () => {
  for (const req of ['>=0.1', '<2', '*', '0.1.*', '>=0.1, <0.3', '']) assert.equal(moveRequirement(req, '0.2.0'), undefined, req);
});

it('tells single versions from the rest', () => {
  assert.equal(isSingleVersionRequirement('^0.1'), true);
  assert.equal(isSingleVersionRequirement('>=0.1'), false);
});
