import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockCrate } from './crate-selection.js';
import { base, lockText } from './test-locks.js';
import { refineChangedFiles, type ChangeSources } from './refine-files.js';

const ROOT = '[workspace]\nmembers = ["app", "shared", "tool"]\n';
const crates: LockCrate[] = ['app', 'shared', 'tool'].map((name) => ({ name, version: '0.1.0', manifestFile: `rust/${name}/Cargo.toml` }));
const regexBumped = base.map((entry) => (entry.name === 'regex' ? { ...entry, checksum: 'ff' } : entry));

function sources(before: Record<string, string>, after: Record<string, string>, workspaces: Record<string, LockCrate[]> = { rust: crates }): ChangeSources {
  return { readBefore: (path) => before[path], readAfter: (path) => after[path], workspaceCrates: (dir) => workspaces[dir] ?? [] };
}

describe('refineChangedFiles', () => {
  it('replaces Cargo.lock by the manifests of the crates its change reaches, and keeps other files', () => {
    const { files, notes } = refineChangedFiles(
      ['README.md', 'rust/Cargo.lock', 'rust/app/src/lib.rs'],
      sources({ 'rust/Cargo.lock': lockText(base) }, { 'rust/Cargo.lock': lockText(regexBumped) }),
    );
    assert.deepEqual(files, ['README.md', 'rust/tool/Cargo.toml', 'rust/app/src/lib.rs']);
    assert.deepEqual(notes, ['rust/Cargo.lock: 1 external package(s) changed (regex@1.7.1), reaching tool']);
  });

  it('drops a lockfile whose change reaches no crate', () => {
    const { files } = refineChangedFiles(['rust/Cargo.lock'], sources({ 'rust/Cargo.lock': lockText(base) }, { 'rust/Cargo.lock': `# comment\n${lockText(base)}` }));
    assert.deepEqual(files, []);
  });

  it('keeps a lockfile that was deleted, does not parse, or belongs to no known workspace', () => {
    const lock = { 'rust/Cargo.lock': lockText(base) };
    assert.deepEqual(refineChangedFiles(['rust/Cargo.lock'], sources(lock, {})).files, ['rust/Cargo.lock']);
    assert.deepEqual(refineChangedFiles(['rust/Cargo.lock'], sources(lock, { 'rust/Cargo.lock': 'version = 4\n[[package]\n' })).files, ['rust/Cargo.lock']);
    assert.deepEqual(refineChangedFiles(['rust/Cargo.lock'], sources(lock, { 'rust/Cargo.lock': lockText(regexBumped) }, {})).files, ['rust/Cargo.lock']);
  });

  it('drops a workspace root manifest whose data did not change, and keeps one whose data did', () => {
    const commented = sources({ 'rust/Cargo.toml': ROOT }, { 'rust/Cargo.toml': `# note\n${ROOT}` });
    assert.deepEqual(refineChangedFiles(['rust/Cargo.toml'], commented).files, []);
    const edited = sources({ 'rust/Cargo.toml': ROOT }, { 'rust/Cargo.toml': `${ROOT}\n[profile.dev]\nopt-level = 1\n` });
    assert.deepEqual(refineChangedFiles(['rust/Cargo.toml'], edited).files, ['rust/Cargo.toml']);
  });

  it('keeps a package manifest even when only its comments changed', () => {
    const pkg = '[package]\nname = "app"\nversion = "0.1.0"\n';
    const commented = sources({ 'rust/app/Cargo.toml': pkg }, { 'rust/app/Cargo.toml': `# note\n${pkg}` });
    assert.deepEqual(refineChangedFiles(['rust/app/Cargo.toml'], commented).files, ['rust/app/Cargo.toml']);
  });

  it('lists each file once', () => {
    const { files } = refineChangedFiles(
      ['rust/Cargo.lock', 'rust/tool/Cargo.toml'],
      sources({ 'rust/Cargo.lock': lockText(base) }, { 'rust/Cargo.lock': lockText(regexBumped) }),
    );
    assert.deepEqual(files, ['rust/tool/Cargo.toml']);
  });
});
