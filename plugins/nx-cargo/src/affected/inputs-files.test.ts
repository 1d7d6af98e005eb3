import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workspaceInputsFiles } from './inputs-files.js';
import { memoryFs } from '@nx-cargo/cargo-workspace/testing';

const ROOT = `[workspace]
members = ["app", "tool"]
resolver = "2"

[workspace.package]
version = "0.1.0"
edition = "2021"
license = "MIT"

[workspace.dependencies]
itoa = "1.0.1"
serde = { version = "1.0.152", features = ["derive"] }
regex = "1.7.1"

[workspace.lints.rust]
unsafe_code = "forbid"

[profile.dev]
debug = 1
package."*".opt-level = 2

[profile.release]
codegen-units = 4
`;
const APP = `[package]
name = "app"
version.workspace = true
edition.workspace = true

[dependencies]
serde.workspace = true

[dev-dependencies]
itoa = { workspace = true }

[lints]
workspace = true
`;
const TOOL = '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nregex.workspace = true\n';
const LOCK = `version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["itoa", "serde"]

[[package]]
name = "itoa"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "${'a'.repeat(64)}"

[[package]]
name = "serde"
version = "1.0.152"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "${'b'.repeat(64)}"

[[package]]
name = "tool"
version = "0.1.0"
`;

const files = (overrides: Record<string, string> = {}) =>
  workspaceInputsFiles(
    memoryFs({ 'Cargo.toml': ROOT, 'Cargo.lock': LOCK, 'app/Cargo.toml': APP, 'app/src/lib.rs': '', 'tool/Cargo.toml': TOOL, 'tool/src/lib.rs': '', ...overrides }),
    '',
  ) as Map<string, string>;
const body = (text: string | undefined) => text?.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

describe('workspaceInputsFiles', () => {
  it('writes one line per part of the root manifest a crate takes, and its lockfile closure', () => {
    const app = files().get('app/.nx-cargo-inputs.txt');
    assert.deepEqual(body(app)?.slice(1), [
      'resolver = "2"',
      '[patch] none',
      '[replace] none',
      '[workspace.package] edition = "2021"',
      '[workspace.package] version = "0.1.0"',
      '[workspace.dependencies] itoa = "1.0.1"',
      '[workspace.dependencies] serde = {"features":["derive"],"version":"1.0.152"}',
      '[workspace.lints] rust.unsafe_code = "forbid"',
    ]);
    assert.match(body(app)?.[0] ?? '', /^Cargo\.lock: 2 external packages, blake3 [0-9a-f]{32}$/);
    // tool inherits no field and no lints, and no external package is in its lock entry.
    assert.deepEqual(body(files().get('tool/.nx-cargo-inputs.txt')), [
      'Cargo.lock: 0 external packages, none',
      'resolver = "2"',
      '[patch] none',
      '[replace] none',
      '[workspace.dependencies] regex = "1.7.1"',
    ]);
  });

  it('writes each built-in profile of the workspace, one line per setting, own table only', () => {
    const all = files();
    assert.deepEqual([...all.keys()].filter((path) => path.startsWith('.nx-cargo/')), [
      '.nx-cargo/profile.dev.txt',
      '.nx-cargo/profile.test.txt',
      '.nx-cargo/profile.release.txt',
      '.nx-cargo/profile.bench.txt',
    ]);
    assert.deepEqual(body(all.get('.nx-cargo/profile.dev.txt')), ['debug = 1', 'package."*".opt-level = 2']);
    assert.deepEqual(body(all.get('.nx-cargo/profile.test.txt')), ['(not set)']);
  });

  it('changes a crate file only with a part that crate takes', () => {
    const changedPaths = (root: string) => {
      const [before, after] = [files(), files({ 'Cargo.toml': root })];
      return [...after.keys()].filter((path) => before.get(path) !== after.get(path));
    };
    assert.deepEqual(changedPaths(`# a comment\n${ROOT}`), []);
    assert.deepEqual(changedPaths(ROOT.replace('license = "MIT"', 'license = "Apache-2.0"')), []);
    assert.deepEqual(changedPaths(ROOT.replace('itoa = "1.0.1"', 'itoa = "1.0"')), ['app/.nx-cargo-inputs.txt']);
    assert.deepEqual(changedPaths(ROOT.replace('regex = "1.7.1"', 'regex = "1.7"')), ['tool/.nx-cargo-inputs.txt']);
    assert.deepEqual(changedPaths(ROOT.replace('codegen-units = 4', 'codegen-units = 8')), ['.nx-cargo/profile.release.txt']);
    assert.deepEqual(changedPaths(ROOT.replace('resolver = "2"', 'resolver = "3"')), ['app/.nx-cargo-inputs.txt', 'tool/.nx-cargo-inputs.txt']);
  });

  it('changes a crate file with a lock entry in its closure only', () => {
    const after = files({ 'Cargo.lock': LOCK.replace('b'.repeat(64), 'c'.repeat(64)) });
    const before = files();
    assert.notEqual(after.get('app/.nx-cargo-inputs.txt'), before.get('app/.nx-cargo-inputs.txt'));
    assert.equal(after.get('tool/.nx-cargo-inputs.txt'), before.get('tool/.nx-cargo-inputs.txt'));
  });

  it('writes a long value as a digest, and says when the lockfile was not read', () => {
    const long = `"${'x'.repeat(120)}"`;
    const app = files({ 'Cargo.toml': ROOT.replace('license = "MIT"', `description = ${long}`), 'app/Cargo.toml': APP.replace('version.workspace = true', 'version.workspace = true\ndescription.workspace = true') });
    assert.match(app.get('app/.nx-cargo-inputs.txt') ?? '', /^\[workspace\.package\] description = sha256 [0-9a-f]{32}$/m);
    const unread = workspaceInputsFiles(memoryFs({ 'Cargo.toml': ROOT, 'app/Cargo.toml': APP, 'app/src/lib.rs': '', 'tool/Cargo.toml': TOOL, 'tool/src/lib.rs': '' }), '');
    assert.equal(body(unread?.get('tool/.nx-cargo-inputs.txt'))?.[0], 'Cargo.lock: not read');
  });

  it('is undefined for a root manifest that does not parse', () => {
    assert.equal(workspaceInputsFiles(memoryFs({ 'Cargo.toml': '[workspace\n' }), ''), undefined);
  });
});
