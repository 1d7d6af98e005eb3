import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestError } from './errors.js';
import { parseManifest } from './manifest.js';
import { isPublishable, versionSource } from './version-source.js';

const root = parseManifest('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "1.2.3"\n');

describe('versionSource', () => {
  it("reads a package's own version", () => {
    const manifest = parseManifest('crates/a/Cargo.toml', '[package]\nname = "a"\nversion = "0.1.0"\n');
    assert.deepEqual(versionSource(manifest, root), { kind: 'package', file: 'crates/a/Cargo.toml', path: ['package', 'version'], version: '0.1.0' });
  });

  it('follows version.workspace = true to [workspace.package]', () => {
    const manifest = parseManifest('crates/b/Cargo.toml', '[package]\nname = "b"\nversion.workspace = true\n');
    assert.deepEqual(versionSource(manifest, root), { kind: 'workspace', file: 'Cargo.toml', path: ['workspace', 'package', 'version'], version: '1.2.3' });
  });

  it('says when there is no version at all', () => {
    assert.deepEqual(versionSource(parseManifest('c/Cargo.toml', '[package]\nname = "c"\n')), { kind: 'absent', file: 'c/Cargo.toml' });
  });

  it('names the file when the workspace has no version to inherit', () => {
    const manifest = parseManifest('crates/b/Cargo.toml', '[package]\nname = "b"\nversion.workspace = true\n');
    assert.throws(() => versionSource(manifest, parseManifest('Cargo.toml', '[workspace]\n')), (error: unknown) => error instanceof ManifestError && /crates\/b\/Cargo\.toml: .*\[workspace\.package\] in Cargo\.toml has no `version`/.test(error.message));
    assert.throws(() => versionSource(manifest), /the package is in no workspace/);
  });
});

describe('isPublishable', () => {
  it('follows publish and a missing version as cargo does', () => {
    assert.equal(isPublishable({ version: '0.1.0' }), true);
    assert.equal(isPublishable({ version: '0.1.0', publish: ['local'] }), true);
    assert.equal(isPublishable({ version: '0.1.0', publish: false }), false);
    assert.equal(isPublishable({ version: '0.1.0', publish: [] }), false);
    assert.equal(isPublishable({}), false);
  });
});
