import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cargoArgs } from './cargo-args.js';

describe('cargoArgs', () => {
  it('selects the package and passes flags as separate arguments', () => {
    assert.deepEqual(cargoArgs({ command: 'build', package: 'my-crate', cwd: '.', release: true, features: ['a', 'b'], target: 'x86_64-unknown-linux-gnu' }), [
      'build', '-p', 'my-crate', '--release', '--features', 'a,b', '--target', 'x86_64-unknown-linux-gnu',
    ]);
  });

  it('prefers a named profile over --release', () => {
    assert.deepEqual(cargoArgs({ command: 'test', package: 'p', cwd: '.', release: true, profile: 'bench' }), ['test', '-p', 'p', '--profile', 'bench']);
  });

  it('checks formatting without build flags', () => {
    assert.deepEqual(cargoArgs({ command: 'fmt', package: 'p', cwd: '.', release: true }), ['fmt', '-p', 'p', '--check']);
  });

  it('documents only the crate itself and runs the chosen binary', () => {
    assert.deepEqual(cargoArgs({ command: 'doc', package: 'p', cwd: '.' }), ['doc', '-p', 'p', '--no-deps']);
    assert.deepEqual(cargoArgs({ command: 'run', package: 'p', cwd: '.', bin: 'tool', args: '--verbose --color never' }), [
      'run', '-p', 'p', '--bin', 'tool', '--', '--verbose', '--color', 'never',
    ]);
  });
});
