import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referencesTo, workspaceReferencesTo } from './dependency-references.js';
import { parseManifest } from './manifest.js';

const root = parseManifest(
  'Cargo.toml',
  '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\ncore = { path = "crates/core", version = "0.1.0" }\nother = { path = "crates/other" }\nserde = "1"\n',
);

describe('referencesTo', () => {
  it('finds every table that names the crate by path: normal, dev, build, target-specific, renamed, inherited', () => {
    const manifest = parseManifest(
      'crates/app/Cargo.toml',
      [
        '[package]',
        'name = "app"',
        '',
        '[dependencies]',
        'core = { workspace = true, features = ["x"] }',
        'renamed = { package = "core", path = "../core", version = "=0.1.0" }',
        'serde = "1"',
        '',
        '[dev-dependencies.core]',
        'path = "../core"',
        '',
        '[build_dependencies]',
        'core = { path = "../../crates/core", version = "0.1" }',
        '',
        "[target.'cfg(unix)'.dependencies]",
        'core = { path = "../core", version = "~0.1" }',
        '',
        '[target.x86_64-unknown-linux-gnu.dev-dependencies]',
        'other = { path = "../other", version = "1" }',
      ].join('\n'),
    );
    assert.deepEqual(referencesTo('crates/core', manifest, root), [
      { file: 'Cargo.toml', path: ['workspace', 'dependencies', 'core'], collection: 'workspace.dependencies', req: '0.1.0' },
      { file: 'crates/app/Cargo.toml', path: ['dependencies', 'renamed'], collection: 'dependencies', req: '=0.1.0' },
      { file: 'crates/app/Cargo.toml', path: ['dev-dependencies', 'core'], collection: 'dev-dependencies' },
      { file: 'crates/app/Cargo.toml', path: ['build_dependencies', 'core'], collection: 'build_dependencies', req: '0.1' },
      { file: 'crates/app/Cargo.toml', path: ['target', 'cfg(unix)', 'dependencies', 'core'], collection: "target.'cfg(unix)'.dependencies", req: '~0.1' },
    ]);
    assert.deepEqual(referencesTo('crates/nothing', manifest, root), []);
  });

  it("lists a workspace root's entries for a crate, used or not", () => {
    assert.deepEqual(workspaceReferencesTo('crates/other', root), [{ file: 'Cargo.toml', path: ['workspace', 'dependencies', 'other'], collection: 'workspace.dependencies' }]);
  });
});
