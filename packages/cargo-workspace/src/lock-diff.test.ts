import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedExternalPackages } from './lock-diff.js';
import { lockPackageKey, parseLockfile } from './lockfile.js';
import { base, lockText, REGISTRY, type Entry } from './testing/lockfiles.js';

const R = `(${REGISTRY})`;

const lock = (entries: Entry[]) => parseLockfile('Cargo.lock', lockText(entries));
const edit = (entries: Entry[], name: string, change: Partial<Entry>) => entries.map((entry) => (entry.name === name ? { ...entry, ...change } : entry));
const names = (keys: Set<string>) => [...keys].map((key) => key.split(' ')[0]).sort();

describe('changedExternalPackages', () => {
  it('finds nothing when the lockfiles are the same', () => {
    assert.deepEqual(names(changedExternalPackages(lock(base), lock(base))), []);
  });

  it('finds a package whose checksum changed, and only it', () => {
    assert.deepEqual(names(changedExternalPackages(lock(base), lock(edit(base, 'regex', { checksum: 'ff' })))), ['regex']);
  });

  it('finds added and removed packages (a version bump is both), and the packages that depend on them', () => {
    const bumped = edit(base, 'memchr', { version: '2.6.0' });
    const changed = changedExternalPackages(lock(base), lock(bumped));
    assert.deepEqual([...changed].sort(), [`memchr 2.5.0 ${REGISTRY}`, `memchr 2.6.0 ${REGISTRY}`, `regex 1.7.1 ${REGISTRY}`]);
  });

  it('finds a package whose dependencies changed', () => {
    const withDep = edit(base, 'serde', { deps: ['itoa'] });
    assert.deepEqual(names(changedExternalPackages(lock(base), lock(withDep))), ['serde']);
  });

  it('finds a package whose source changed', () => {
    const mirrored = edit(edit(base, 'itoa', { source: 'sparse+https://example.com/index/' }), 'shared', { deps: ['itoa'] });
    assert.deepEqual(names(changedExternalPackages(lock(base), lock(mirrored))), ['itoa', 'itoa']);
  });

  it('ignores how a dependency is written when it resolves to the same package', () => {
    const spelled = edit(base, 'regex', { deps: [`memchr 2.5.0 ${R}`] });
    assert.deepEqual(names(changedExternalPackages(lock(base), lock(spelled))), []);
  });

  it('ignores path packages: their changes come with their manifests', () => {
    const moved = edit(base, 'app', { deps: ['shared'] });
    assert.deepEqual(names(changedExternalPackages(lock(base), lock(moved))), []);
  });

  it('counts a git package moved to another commit of the same branch as changed, under one key', () => {
    const git = (rev: string) => [...base, { name: 'gitdep', version: '0.1.0', source: `git+https://example.com/gitdep?branch=main#${rev}` }];
    const changed = changedExternalPackages(lock(git('aaaa')), lock(git('bbbb')));
    assert.deepEqual([...changed], ['gitdep 0.1.0 git+https://example.com/gitdep?branch=main']);
  });

  it('makes every external package changed for a new lockfile', () => {
    assert.deepEqual(names(changedExternalPackages(undefined, lock(base))), ['itoa', 'memchr', 'regex', 'serde']);
  });

  it('keys path packages without a source part', () => {
    assert.equal(lockPackageKey({ name: 'app', version: '0.1.0', dependencies: [] }), 'app 0.1.0');
  });
});
