import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedExternalPackages } from './lock-diff.js';
import { cratesReachingChanges, type LockCrate } from './lock-reach.js';
import { parseLockfile } from './lockfile.js';
import { base, lockText } from './testing/lockfiles.js';

type Entries = typeof base;
const lock = (entries: Entries) => parseLockfile('Cargo.lock', lockText(entries));
const edit = (entries: Entries, name: string, change: Partial<Entries[number]>) => entries.map((entry) => (entry.name === name ? { ...entry, ...change } : entry));
const crates: LockCrate[] = ['app', 'shared', 'tool'].map((name) => ({ name, version: '0.1.0', manifestFile: `${name}/Cargo.toml` }));

/** Names of the crates that `after` (from `before`) reaches. */
function reached(before: Entries | undefined, after: Entries): string[] {
  const [old, current] = [before && lock(before), lock(after)];
  return cratesReachingChanges(changedExternalPackages(old, current), old, current, crates).map((entry) => entry.crate.name);
}

describe('cratesReachingChanges', () => {
  it('reaches no crate when nothing changed', () => {
    assert.deepEqual(reached(base, base), []);
  });

  it('reaches only the crate whose closure holds the changed package', () => {
    assert.deepEqual(reached(base, edit(base, 'regex', { checksum: 'ff' })), ['tool']);
  });

  it('follows the closure through external packages (memchr only through regex)', () => {
    assert.deepEqual(reached(base, edit(base, 'memchr', { checksum: 'ff' })), ['tool']);
  });

  it('follows the closure through path packages (itoa through shared)', () => {
    assert.deepEqual(reached(base, edit(base, 'itoa', { checksum: 'ff' })), ['app', 'shared', 'tool']);
  });

  it('counts a dependency that was removed, through the old lockfile', () => {
    const dropped = edit(base, 'app', { deps: ['shared'] }).filter((entry) => entry.name !== 'serde');
    assert.deepEqual(reached(base, dropped), ['app']);
  });

  it('counts a dependency that was added', () => {
    const added = [...edit(base, 'shared', { deps: ['itoa', 'smallvec'] }), { name: 'smallvec', version: '1.10.0', source: 'registry+https://github.com/rust-lang/crates.io-index', checksum: 'ee' }];
    assert.deepEqual(reached(base, added), ['app', 'shared', 'tool']);
  });

  it('counts an unchanged package that enters a closure when a path package edge moves', () => {
    const moved = edit(base, 'app', { deps: ['serde', 'shared', 'regex'] });
    const result = cratesReachingChanges(new Set(), lock(base), lock(moved), crates);
    assert.deepEqual(result.map((entry) => [entry.crate.name, entry.moved.map((key) => key.split(' ')[0])]), [['app', ['memchr', 'regex']]]);
  });

  it('reaches every crate with external packages for a new lockfile', () => {
    assert.deepEqual(reached(undefined, base), ['app', 'shared', 'tool']);
  });
});
