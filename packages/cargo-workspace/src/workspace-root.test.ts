import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWorkspaceRootManifest } from './workspace-root.js';

const ROOT = '[workspace]\nresolver = "2"\nmembers = ["app", "tool"]\n\n[profile.release]\nlto = true\n';

describe('isWorkspaceRootManifest', () => {
  it('tells a workspace root from a package manifest', () => {
    assert.equal(isWorkspaceRootManifest('Cargo.toml', ROOT), true);
    assert.equal(isWorkspaceRootManifest('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n'), false);
    assert.equal(isWorkspaceRootManifest('Cargo.toml', undefined), false);
  });
});
