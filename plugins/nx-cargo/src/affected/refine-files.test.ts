import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refineChangedFiles, type ChangeSources } from './refine-files.js';
import { lockEntries as base, lockText, memoryFs } from '@nx-cargo/cargo-workspace/testing';

const ROOT = '[workspace]\nmembers = ["app", "shared", "tool"]\n\n[workspace.dependencies]\nregex = "1.7.1"\n';
const crate = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\n${extra}`;
const CRATES = {
  'rust/app/Cargo.toml': crate('app'),
  'rust/app/src/lib.rs': '',
  'rust/shared/Cargo.toml': crate('shared'),
  'rust/shared/src/lib.rs': '',
  'rust/tool/Cargo.toml': crate('tool', '\n[dependencies]\nregex.workspace = true\n'),
  'rust/tool/src/lib.rs': '',
};
const ALL = ['rust/app/Cargo.toml', 'rust/shared/Cargo.toml', 'rust/tool/Cargo.toml'];
const PROFILES = ['dev', 'test', 'release', 'bench'].map((profile) => `.nx-cargo/rust/profile.${profile}.txt`);
const regexBumped = base.map((entry) => (entry.name === 'regex' ? { ...entry, checksum: 'ff' } : entry));

/** A workspace before and after: the crates above, the given root manifest and lockfile (undefined: absent). */
function sources(before: { root?: string; lock?: string }, after: { root?: string; lock?: string }): ChangeSources {
  const tree = ({ root = ROOT, lock }: { root?: string; lock?: string }) => memoryFs({ ...CRATES, 'rust/Cargo.toml': root, ...(lock === undefined ? {} : { 'rust/Cargo.lock': lock }) });
  return { before: tree(before), after: tree(after) };
}

describe('refineChangedFiles', () => {
  it('replaces Cargo.lock by the manifests of the crates its change reaches, and keeps other files', () => {
    const { files, notes } = refineChangedFiles(['README.md', 'rust/Cargo.lock', 'rust/app/src/lib.rs'], sources({ lock: lockText(base) }, { lock: lockText(regexBumped) }));
    // The lockfile stays for a crate that would own it (one at the workspace root); here none does.
    assert.deepEqual(files, ['README.md', 'rust/Cargo.lock', 'rust/tool/Cargo.toml', 'rust/app/src/lib.rs']);
    assert.deepEqual(notes, ['rust/Cargo.lock: 1 external package(s) changed (regex@1.7.1), reaching tool']);
  });

  it('reaches no crate with a lockfile change no closure holds', () => {
    const { files } = refineChangedFiles(['rust/Cargo.lock'], sources({ lock: lockText(base) }, { lock: `# comment\n${lockText(base)}` }));
    assert.deepEqual(files, ['rust/Cargo.lock']);
  });

  it('reaches every crate of the workspace with a lockfile that was deleted or does not parse', () => {
    const lock = lockText(base);
    const everything = ['rust/Cargo.lock', ...ALL];
    assert.deepEqual(refineChangedFiles(['rust/Cargo.lock'], sources({ lock }, {})).files, everything);
    assert.deepEqual(refineChangedFiles(['rust/Cargo.lock'], sources({ lock }, { lock: 'version = 4\n[[package]\n' })).files, everything);
  });

  it('replaces a workspace root manifest by the crates and profiles whose part changed', () => {
    const changed = (root: string) => refineChangedFiles(['rust/Cargo.toml'], sources({}, { root })).files;
    assert.deepEqual(changed(`# note\n${ROOT}`), ['rust/Cargo.toml']);
    assert.deepEqual(changed(`${ROOT}\n[profile.dev]\nopt-level = 1\n`), ['rust/Cargo.toml', '.nx-cargo/rust/profile.dev.txt']);
    assert.deepEqual(changed(`${ROOT}\n[profile.release]\nlto = true\n`), ['rust/Cargo.toml', '.nx-cargo/rust/profile.release.txt']);
    assert.deepEqual(changed(ROOT.replace('"1.7.1"', '"1.7"')), ['rust/Cargo.toml', 'rust/tool/Cargo.toml']);
    assert.deepEqual(changed(`${ROOT}\n[patch.crates-io]\nregex = { path = "vendor/regex" }\n`), ['rust/Cargo.toml', ...ALL]);
    assert.deepEqual(changed(`${ROOT}[broken\n`), ['rust/Cargo.toml', ...ALL, ...PROFILES]);
  });

  it('says what changed in a root manifest', () => {
    const { notes } = refineChangedFiles(['rust/Cargo.toml'], sources({}, { root: `${ROOT.replace('"1.7.1"', '"1.7"')}\n[profile.dev]\nopt-level = 1\n` }));
    assert.deepEqual(notes, ['rust/Cargo.toml: changed the parts of 1 crate(s) (rust/tool) and profile.dev']);
  });

  it('keeps a package manifest even when only its comments changed', () => {
    const fs = memoryFs({ 'app/Cargo.toml': crate('app'), 'app/src/lib.rs': '' });
    const { files } = refineChangedFiles(['app/Cargo.toml'], { before: fs, after: memoryFs({ 'app/Cargo.toml': `# note\n${crate('app')}`, 'app/src/lib.rs': '' }) });
    assert.deepEqual(files, ['app/Cargo.toml']);
  });

  it('leaves out the inputs files nx sync writes, which may be stale', () => {
    const { files, notes } = refineChangedFiles(['rust/app/.nx-cargo-inputs.txt', '.nx-cargo/rust/profile.dev.txt', 'README.md'], sources({}, {}));
    assert.deepEqual(files, ['README.md']);
    assert.match(notes[0], /^2 nx-cargo inputs file\(s\) left out/);
  });

  it('lists each file once', () => {
    const { files } = refineChangedFiles(['rust/Cargo.lock', 'rust/tool/Cargo.toml'], sources({ lock: lockText(base) }, { lock: lockText(regexBumped) }));
    assert.deepEqual(files, ['rust/Cargo.lock', 'rust/tool/Cargo.toml']);
  });
});
