import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LockfileReader } from './lock-reader.js';
import { loadCargoRepository } from './repository.js';
import { memoryFs } from './testing/memory-file-system.js';
import { effectiveResolver, profileParts } from './workspace-parts.js';

const workspaceOf = (root: string, files: Record<string, string> = {}) => {
  const repository = loadCargoRepository(memoryFs({ 'Cargo.toml': root, 'src/lib.rs': '', ...files }), ['Cargo.toml']);
  const workspace = repository.workspaces[0];
  assert.ok(workspace, 'the fixture is a workspace');
  return workspace;
};

describe('effectiveResolver', () => {
  it('takes workspace.resolver first, then the root package, then its edition, else "1"', () => {
    assert.equal(effectiveResolver(workspaceOf('[workspace]\nresolver = "3"\n[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n')), '3');
    assert.equal(effectiveResolver(workspaceOf('[workspace]\n[package]\nname = "a"\nversion = "0.1.0"\nedition = "2024"\n')), '3');
    assert.equal(effectiveResolver(workspaceOf('[workspace]\n[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n')), '2');
    assert.equal(effectiveResolver(workspaceOf('[workspace]\n[package]\nname = "a"\nversion = "0.1.0"\nedition = "2018"\nresolver = "2"\n')), '2');
    assert.equal(effectiveResolver(workspaceOf('[workspace]\nmembers = []\n')), '1');
  });
});

describe('profileParts', () => {
  it('is one line per setting of the profile\'s own table, nested keys dotted', () => {
    const workspace = workspaceOf('[workspace]\nmembers = []\n[profile.dev]\nopt-level = 1\npackage."*".debug = false\n');
    assert.deepEqual(profileParts(workspace, 'dev'), ['opt-level = 1', 'package."*".debug = false']);
    assert.deepEqual(profileParts(workspace, 'release'), ['(not set)']);
  });
});

describe('LockfileReader', () => {
  it('reads each lock once, and keeps a broken one (syntax, or a dangling reference) as an error naming its file', () => {
    let reads = 0;
    const dangling = 'version = 4\n\n[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["ghost"]\n';
    const fs = memoryFs({ 'Cargo.lock': 'version = 4\n', 'bad/Cargo.lock': 'version = [\n', 'dangling/Cargo.lock': dangling });
    const counting = { ...fs, readFile: (file: string) => (reads++, fs.readFile(file)) };
    const reader = new LockfileReader(counting);
    assert.ok(reader.read(''));
    assert.ok(reader.read(''));
    assert.equal(reads, 1);
    assert.equal(reader.read('bad'), undefined);
    assert.equal(reader.read('none'), undefined);
    assert.equal(reader.read('dangling'), undefined, 'a reference to a package the lock does not hold');
    assert.equal(reader.errors.length, 2);
    assert.match(reader.errors[0]!.message, /bad\/Cargo\.lock/);
    assert.match(reader.errors[1]!.message, /dangling\/Cargo\.lock: .*"ghost", which matches no package/);
  });
});
