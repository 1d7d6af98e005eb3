import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CargoPackage, CargoTarget, FileSystem } from '@nx-cargo/cargo-workspace';
import { describeBuild } from './crate-build.js';

/** A FileSystem over a map of repo-relative paths to file contents. */
function memoryFs(files: Record<string, string>): FileSystem {
  return { readFile: (path) => files[path], readDir: () => [] };
}

const target = (name: string, kind: string[], crateTypes = kind): CargoTarget => ({ name, kind, crateTypes, srcPath: '', edition: '2021', requiredFeatures: [] });

const pkg = (targets: CargoTarget[], extra: Partial<CargoPackage> = {}): CargoPackage =>
  ({ name: 'demo', dir: 'crates/demo', workspaceDir: '', fields: {}, dependencies: [], targets, ...extra }) as CargoPackage;

describe('describeBuild', () => {
  it('lists binaries and cdylib/staticlib files, not rlibs, tests or examples', () => {
    const build = describeBuild(
      memoryFs({}),
      pkg([target('demo', ['cdylib', 'staticlib', 'rlib']), target('tool', ['bin']), target('it', ['test'], ['bin']), target('ex', ['example'], ['bin'])]),
    );
    assert.deepEqual(build.artifacts, ['libdemo.so', 'libdemo.a', 'tool']);
    assert.equal(build.defaultBinary, 'tool');
    assert.equal(build.targetDir, 'target');
  });

  it('takes build.target-dir from the nearest cargo config, relative to the folder holding .cargo', () => {
    const fs = memoryFs({ 'rust/.cargo/config.toml': '[build]\ntarget-dir = "../out/cargo"\n', '.cargo/config.toml': '[build]\ntarget-dir = "ignored"\n' });
    assert.equal(describeBuild(fs, pkg([], { workspaceDir: 'rust', dir: 'rust/demo' })).targetDir, 'out/cargo');
    assert.equal(describeBuild(fs, pkg([])).targetDir, 'ignored');
  });

  it('lets CARGO_TARGET_DIR win over any config', () => {
    const fs = memoryFs({ '.cargo/config.toml': '[build]\ntarget-dir = "ignored"\n' });
    assert.equal(describeBuild(fs, pkg([]), 'out/env-target').targetDir, 'out/env-target');
  });

  it('falls back to the workspace target folder when configs do not set it', () => {
    const fs = memoryFs({ 'rust/.cargo/config.toml': '[build]\nrustflags = ["-Dwarnings"]\n' });
    assert.equal(describeBuild(fs, pkg([], { workspaceDir: 'rust', dir: 'rust/demo' })).targetDir, 'rust/target');
  });

  it('recognises a napi-rs package by its package.json, with bindings only from napi-derive', () => {
    const fs = memoryFs({ 'crates/demo/package.json': '{"name":"demo","napi":{"binaryName":"demo"}}' });
    assert.deepEqual(describeBuild(fs, pkg([])).napi, { generatesBindings: false });
    const withDerive = pkg([], { dependencies: [{ name: 'napi-derive' } as CargoPackage['dependencies'][number]] });
    assert.deepEqual(describeBuild(fs, withDerive).napi, { generatesBindings: true });
    assert.equal(describeBuild(memoryFs({ 'crates/demo/package.json': '{"name":"demo"}' }), pkg([])).napi, undefined);
  });

  it('asks cargo to choose when several binaries have no default', () => {
    assert.equal(describeBuild(memoryFs({}), pkg([target('a', ['bin']), target('b', ['bin'])])).defaultBinary, '');
    assert.equal(describeBuild(memoryFs({}), pkg([target('a', ['bin']), target('b', ['bin'])], { fields: { 'default-run': 'b' } })).defaultBinary, 'b');
  });
});
