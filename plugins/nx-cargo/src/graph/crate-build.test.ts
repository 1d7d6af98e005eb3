import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CargoPackage, CargoTarget, FileSystem } from '@nx-cargo/cargo-workspace';
import { describeBuild } from './crate-build.js';

/** describeBuild over a map of repo-relative paths to file contents, with the package.json files among them listed as Nx would. */
function describeIn(files: Record<string, string>, crate: CargoPackage, cargoTargetDir?: string) {
  const fs: FileSystem = { readFile: (path) => files[path], readDir: () => [] };
  const packageJsonFiles = new Set(Object.keys(files).filter((path) => path.endsWith('package.json')));
  return describeBuild(fs, crate, { cargoTargetDir, packageJsonFiles, projectFolders: new Set<string>(), buildConfigs: new Map() });
}

const target = (name: string, kind: string[], crateTypes = kind): CargoTarget => ({ name, kind, crateTypes, srcPath: '', edition: '2021', requiredFeatures: [] });

const pkg = (targets: CargoTarget[], extra: Partial<CargoPackage> = {}): CargoPackage =>
  ({ name: 'demo', dir: 'crates/demo', workspaceDir: '', fields: {}, dependencies: [], targets, ...extra }) as CargoPackage;

describe('describeBuild', () => {
  it('lists binaries and cdylib/staticlib files, not rlibs, tests or examples', () => {
    const build = describeIn(
      {},
      pkg([target('demo', ['cdylib', 'staticlib', 'rlib']), target('tool', ['bin']), target('it', ['test'], ['bin']), target('ex', ['example'], ['bin'])]),
    );
    assert.deepEqual(build.artifacts, ['libdemo.so', 'libdemo.a', 'tool']);
    assert.equal(build.defaultBinary, 'tool');
    assert.equal(build.targetDir, 'target');
  });

  it('takes build.target-dir from the nearest cargo config, relative to the folder holding .cargo', () => {
    const files = { 'rust/.cargo/config.toml': '[build]\ntarget-dir = "../out/cargo"\n', '.cargo/config.toml': '[build]\ntarget-dir = "ignored"\n' };
    assert.equal(describeIn(files, pkg([], { workspaceDir: 'rust', dir: 'rust/demo' })).targetDir, 'out/cargo');
    assert.equal(describeIn(files, pkg([])).targetDir, 'ignored');
  });

  it("names the artifacts for build.target from the nearest config that sets it, and the host's otherwise", () => {
    const crate = pkg([target('demo', ['cdylib']), target('tool', ['bin'])], { workspaceDir: 'rust', dir: 'rust/demo' });
    const files = { 'rust/.cargo/config.toml': '[build]\ntarget-dir = "out"\n', '.cargo/config.toml': '[build]\ntarget = "x86_64-pc-windows-msvc"\n' };
    const build = describeIn(files, crate);
    assert.deepEqual({ target: build.target, targetDir: build.targetDir, artifacts: build.artifacts }, { target: 'x86_64-pc-windows-msvc', targetDir: 'rust/out', artifacts: ['demo.dll', 'demo.dll.lib', 'demo.pdb', 'tool.exe', 'tool.pdb'] });
    assert.equal(describeIn({}, crate).target, undefined, 'no triple: the host');
  });

  it('lets CARGO_TARGET_DIR win over any config', () => {
    assert.equal(describeIn({ '.cargo/config.toml': '[build]\ntarget-dir = "ignored"\n' }, pkg([]), 'out/env-target').targetDir, 'out/env-target');
  });

  it('falls back to the workspace target folder when configs do not set it', () => {
    assert.equal(describeIn({ 'rust/.cargo/config.toml': '[build]\nrustflags = ["-Dwarnings"]\n' }, pkg([], { workspaceDir: 'rust', dir: 'rust/demo' })).targetDir, 'rust/target');
  });

  it('recognises a napi-rs package by its package.json, with bindings only from napi-derive with its type-def feature', () => {
    const files = { 'crates/demo/package.json': '{"name":"demo","napi":{"binaryName":"demo"}}' };
    assert.deepEqual(describeIn(files, pkg([])).napi, { generatesBindings: false });
    const derive = (usesDefaultFeatures: boolean, features: string[]) =>
      pkg([], { dependencies: [{ name: 'napi-derive', usesDefaultFeatures, features } as CargoPackage['dependencies'][number]] });
    assert.deepEqual(describeIn(files, derive(true, [])).napi, { generatesBindings: true });
    assert.deepEqual(describeIn(files, derive(false, ['type-def'])).napi, { generatesBindings: true });
    // What napi build checks: without default features and without `type-def` it writes no bindings.
    assert.deepEqual(describeIn(files, derive(false, ['strict'])).napi, { generatesBindings: false });
    assert.equal(describeIn({ 'crates/demo/package.json': '{"name":"demo"}' }, pkg([])).napi, undefined);
  });

  it('asks cargo to choose when several binaries have no default', () => {
    assert.equal(describeIn({}, pkg([target('a', ['bin']), target('b', ['bin'])])).defaultBinary, '');
    assert.equal(describeIn({}, pkg([target('a', ['bin']), target('b', ['bin'])], { fields: { 'default-run': 'b' } })).defaultBinary, 'b');
  });
});
