import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestError } from '@nx-cargo/cargo-workspace';
import { memoryFs } from '@nx-cargo/cargo-workspace/testing';
import { CrateEdits, type CrateLocation, type EditableFiles } from './crate-edits.js';

const LOCK = (core: string, util: string, own: string) =>
  `version = 4\n\n[[package]]\nname = "core"\nversion = "${core}"\n\n[[package]]\nname = "own"\nversion = "${own}"\ndependencies = [\n "util",\n]\n\n[[package]]\nname = "util"\nversion = "${util}"\ndependencies = [\n "core",\n]\n`;

function workspace(): Record<string, string> {
  return {
    'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "0.1.0" # shared\n\n[workspace.dependencies]\ncore = { path = "crates/core", version = "0.1.0" }\n',
    'Cargo.lock': LOCK('0.1.0', '0.1.0', '2.3.4'),
    'crates/core/Cargo.toml': '[package]\nname = "core"\nversion.workspace = true\n',
    'crates/util/Cargo.toml': '[package]\nname = "util"\nversion.workspace = true\n\n[dependencies]\ncore.workspace = true\n',
    'crates/own/Cargo.toml': '[package]\nname = "own"\nversion = "2.3.4"\n\n[dependencies]\nutil = { path = "../util", version = "0.1.0" } # keep\n\n[dev-dependencies.util]\npath = "../util"\nversion = ">=0.1, <0.2"\n',
  };
}

function files(initial: Record<string, string>): EditableFiles & { files: Record<string, string> } {
  const state = { ...initial };
  return { ...memoryFs(state), write: (file, text) => void (state[file] = text), files: state };
}

const crate = (name: string): CrateLocation => ({ name, dir: `crates/${name}`, manifestFile: `crates/${name}/Cargo.toml`, workspaceDir: '' });

describe('CrateEdits', () => {
  it('writes an inherited version to [workspace.package] and moves every inheriting crate in Cargo.lock', () => {
    const fs = files(workspace());
    const logs = new CrateEdits(fs).writeVersion(crate('core'), '0.2.0');
    assert.equal(fs.files['Cargo.toml'], workspace()['Cargo.toml'].replace('version = "0.1.0" # shared', 'version = "0.2.0" # shared'));
    assert.equal(fs.files['Cargo.lock'], LOCK('0.2.0', '0.2.0', '2.3.4'));
    assert.equal(fs.files['crates/core/Cargo.toml'], workspace()['crates/core/Cargo.toml']);
    assert.deepEqual(logs, ['✍️  New version 0.2.0 written to Cargo.toml ([workspace.package], inherited by core, util)', '✍️  Cargo.lock: core, util moved to 0.2.0']);
    // The other crate of the fixed group finds its version written already.
    assert.deepEqual(new CrateEdits(fs).writeVersion(crate('util'), '0.2.0'), []);
    // ...but still moves in the lock of another workspace that depends on it.
    fs.files['tools/Cargo.lock'] = 'version = 4\n\n[[package]]\nname = "util"\nversion = "0.1.0"\n';
    assert.deepEqual(new CrateEdits(fs).writeVersion(crate('util'), '0.2.0', ['tools']), ['✍️  tools/Cargo.lock: util moved to 0.2.0']);
    assert.equal(fs.files['tools/Cargo.lock'], 'version = 4\n\n[[package]]\nname = "util"\nversion = "0.2.0"\n');
  });

  it("writes a crate's own version and its lock entry only", () => {
    const fs = files(workspace());
    new CrateEdits(fs).writeVersion(crate('own'), '2.4.0');
    assert.match(fs.files['crates/own/Cargo.toml'], /^version = "2\.4\.0"$/m);
    assert.equal(fs.files['Cargo.lock'], LOCK('0.1.0', '0.1.0', '2.4.0'));
    assert.equal(fs.files['Cargo.toml'], workspace()['Cargo.toml']);
  });

  it("moves the crate in the lock of another Cargo workspace that depends on it by path", () => {
    const other = 'version = 4\n\n[[package]]\nname = "own"\nversion = "2.3.4"\n\n[[package]]\nname = "tool"\nversion = "0.1.0"\ndependencies = [\n "own",\n]\n';
    const fs = files({ ...workspace(), 'tools/Cargo.lock': other, 'tools/Cargo.toml': '[package]\nname = "tool"\nversion = "0.1.0"\n\n[dependencies]\nown = { path = "../crates/own", version = "2.3.4" }\n' });
    const logs = new CrateEdits(fs).writeVersion(crate('own'), '2.4.0', ['tools', '']);
    assert.equal(fs.files['tools/Cargo.lock'], other.replace('version = "2.3.4"', 'version = "2.4.0"'));
    assert.equal(fs.files['Cargo.lock'], LOCK('0.1.0', '0.1.0', '2.4.0'));
    assert.deepEqual(logs.slice(1), ['✍️  Cargo.lock: own moved to 2.4.0', '✍️  tools/Cargo.lock: own moved to 2.4.0']);
  });

  it('moves the requirements of dependents and of [workspace.dependencies], keeping operators; ranges stay, with a line', () => {
    const fs = files(workspace());
    const edits = new CrateEdits(fs);
    const coreLogs = edits.moveDependents(crate('core'), [crate('util')], '0.2.0');
    assert.match(fs.files['Cargo.toml'], /core = \{ path = "crates\/core", version = "0\.2\.0" \}/);
    assert.deepEqual(coreLogs, ['✍️  Requirement on core in Cargo.toml (workspace.dependencies): "0.1.0" -> "0.2.0"']);
    const utilLogs = edits.moveDependents(crate('util'), [crate('own')], '0.2.0');
    assert.equal(fs.files['crates/own/Cargo.toml'], workspace()['crates/own/Cargo.toml'].replace('version = "0.1.0" } # keep', 'version = "0.2.0" } # keep'));
    assert.deepEqual(utilLogs, [
      '✍️  Requirement on util in crates/own/Cargo.toml (dependencies): "0.1.0" -> "0.2.0"',
      '⚠️  Left the requirement ">=0.1, <0.2" on util in crates/own/Cargo.toml (dev-dependencies) as written: check that it admits 0.2.0',
    ]);
  });

  it("sets a crate's requirements to Nx's values where they are single versions", () => {
    const fs = files(workspace());
    new CrateEdits(fs).setDependencyRequirements(crate('own'), [{ name: 'util', dir: 'crates/util', req: '^0.1.1' }]);
    assert.match(fs.files['crates/own/Cargo.toml'], /util = \{ path = "\.\.\/util", version = "\^0\.1\.1" \} # keep/);
    assert.match(fs.files['crates/own/Cargo.toml'], /version = ">=0\.1, <0\.2"/);
  });

  it('reads the requirement on a dependency and the table it is in', () => {
    const edits = new CrateEdits(files(workspace()));
    assert.deepEqual(edits.requirementOn(crate('util'), 'crates/core'), { file: 'Cargo.toml', path: ['workspace', 'dependencies', 'core'], collection: 'workspace.dependencies', req: '0.1.0' });
    assert.equal(edits.requirementOn(crate('core'), 'crates/util'), undefined);
  });

  it('refuses to version a crate without a version, naming its manifest', () => {
    const fs = files({ 'x/Cargo.toml': '[package]\nname = "x"\n' });
    assert.throws(
      () => new CrateEdits(fs).writeVersion({ name: 'x', dir: 'x', manifestFile: 'x/Cargo.toml', workspaceDir: 'x' }, '0.1.0'),
      (error: unknown) => error instanceof ManifestError && error.file === 'x/Cargo.toml' && /has no `version`/.test(error.message),
    );
  });
});
