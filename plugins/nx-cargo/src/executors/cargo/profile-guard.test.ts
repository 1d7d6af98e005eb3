import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileOf, profileSwitchProblem } from './profile-guard.js';

const base = { command: 'build' as const, package: 'app', cwd: '.' };

test('the profile comes from args first, then profile, then release', () => {
  assert.equal(profileOf({}), 'dev');
  assert.equal(profileOf({ release: true }), 'release');
  assert.equal(profileOf({ profile: 'bench' }), 'bench');
  assert.equal(profileOf({ args: '--release' }), 'release');
  assert.equal(profileOf({ args: ['--profile', 'ci'] }), 'ci');
  assert.equal(profileOf({ release: true, args: '--profile=dist' }), 'dist');
});

test('a profile switched from the command line is refused; the declared one is not', () => {
  const none = { known: [] };
  assert.equal(profileSwitchProblem('app:build-release', { release: true }, { ...base, release: true }, none), undefined);
  assert.equal(profileSwitchProblem('app:build', {}, { ...base }, none), undefined);
  assert.match(profileSwitchProblem('app:build', {}, { ...base, release: true }, none) ?? '', /keyed by the "dev" profile but was asked to build "release"/);
  assert.match(profileSwitchProblem('app:build', {}, { ...base, args: ['--profile', 'ci'] }, none) ?? '', /"ci"/);
  assert.match(profileSwitchProblem('app:build', {}, { ...base }, { name: 'release', known: [] }) ?? '', /no configuration "release"/);
  assert.equal(profileSwitchProblem('app:build', {}, { ...base }, { name: 'ci', known: ['ci'] }), undefined);
  assert.equal(profileSwitchProblem('app:build', {}, { ...base }, { name: 'production', known: [] }), undefined, 'a mixed run-many -c production builds dev');
});
