import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cargoArgs, nextestArgs, runsNextest } from './cargo-args.js';

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

describe('nextestArgs', () => {
  it("runs nextest's profile, partition and JUnit tool config, with cargo's profile as --cargo-profile", () => {
    assert.deepEqual(nextestArgs({ command: 'test', package: 'p', cwd: '.', profile: 'ci-build', features: 'a', nextestProfile: 'ci', partition: 'count:1/2' }, { toolConfig: '/tmp/x/nextest.toml' }), [
      'nextest', 'run', '-p', 'p', '--cargo-profile', 'ci-build', '--features', 'a', '--profile', 'ci', '--partition', 'count:1/2', '--tool-config-file', 'nx-cargo:/tmp/x/nextest.toml', '--no-tests=warn',
    ]);
  });

  it("passes a crate without tests unless the task's args say otherwise, and keeps the args last", () => {
    assert.deepEqual(nextestArgs({ command: 'test', package: 'p', cwd: '.', release: true, args: '--retries 2' }, { color: true }), ['nextest', 'run', '--color', 'always', '-p', 'p', '--release', '--profile', 'default', '--no-tests=warn', '--retries', '2']);
    assert.deepEqual(nextestArgs({ command: 'test', package: 'p', cwd: '.', args: ['--no-tests=fail'] }), ['nextest', 'run', '-p', 'p', '--profile', 'default', '--no-tests=fail']);
  });

  it('applies to test tasks only', () => {
    assert.equal(runsNextest({ command: 'test', package: 'p', cwd: '.', testRunner: 'nextest' }), true);
    assert.equal(runsNextest({ command: 'build', package: 'p', cwd: '.', testRunner: 'nextest' }), false);
    assert.equal(runsNextest({ command: 'test', package: 'p', cwd: '.' }), false);
  });
});
