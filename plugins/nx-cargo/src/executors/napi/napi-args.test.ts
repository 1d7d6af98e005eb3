import assert from 'node:assert/strict';
import { it } from 'node:test';
import { napiArgs } from './napi-args.js';

it('napiArgs builds for the platform with the profile, features and extra arguments', () => {
  assert.deepEqual(napiArgs({ cwd: 'crates/addon' }), ['build', '--platform']);
  assert.deepEqual(napiArgs({ cwd: 'x', release: true, features: 'a b', target: 'x86_64-unknown-linux-gnu', args: ['--strip'] }), [
    'build', '--platform', '--release', '--features', 'a,b', '--target', 'x86_64-unknown-linux-gnu', '--strip',
  ]);
});
