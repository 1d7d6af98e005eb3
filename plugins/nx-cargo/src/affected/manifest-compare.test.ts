import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWorkspaceRootManifest, sameManifestData } from './manifest-compare.js';

const ROOT = '[workspace]\nresolver = "2"\nmembers = ["app", "tool"]\n\n[profile.release]\nlto = true\n';

describe('sameManifestData', () => {
  it('is true when only comments and white space changed', () => {
    const edited = `# The workspace.\n[workspace]\nresolver   = "2" # pinned\nmembers = [\n  "app",\n  "tool",\n]\n\n\n[profile.release]\nlto = true\n`;
    assert.equal(sameManifestData('Cargo.toml', ROOT, edited), true);
  });

  it('is true when keys moved within a table or a string changed quoting', () => {
    const edited = "[profile.release]\nlto = true\n\n[workspace]\nmembers = ['app', 'tool']\nresolver = '2'\n";
    assert.equal(sameManifestData('Cargo.toml', ROOT, edited), true);
  });

  it('is false when a value changed, including the order of a list', () => {
    assert.equal(sameManifestData('Cargo.toml', ROOT, ROOT.replace('lto = true', 'lto = false')), false);
    assert.equal(sameManifestData('Cargo.toml', ROOT, ROOT.replace('["app", "tool"]', '["tool", "app"]')), false);
  });

  it('is false when a side is missing or does not parse', () => {
    assert.equal(sameManifestData('Cargo.toml', undefined, ROOT), false);
    assert.equal(sameManifestData('Cargo.toml', ROOT, undefined), false);
    assert.equal(sameManifestData('Cargo.toml', ROOT, `${ROOT}[broken\n`), false);
  });

  it('compares dates by value', () => {
    assert.equal(sameManifestData('Cargo.toml', 'a = 2024-01-01\n', 'a = 2024-01-01 # day\n'), true);
    assert.equal(sameManifestData('Cargo.toml', 'a = 2024-01-01\n', 'a = 2024-01-02\n'), false);
  });
});

describe('isWorkspaceRootManifest', () => {
  it('tells a workspace root from a package manifest', () => {
    assert.equal(isWorkspaceRootManifest('Cargo.toml', ROOT), true);
    assert.equal(isWorkspaceRootManifest('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n'), false);
    assert.equal(isWorkspaceRootManifest('Cargo.toml', undefined), false);
  });
});
