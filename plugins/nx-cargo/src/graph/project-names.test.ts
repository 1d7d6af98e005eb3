import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CargoPackage } from '@nx-cargo/cargo-workspace';
import { nameCrates } from './project-names.js';

const crate = (name: string, dir: string) => ({ name, dir, manifestFile: `${dir}/Cargo.toml` }) as CargoPackage;

describe('nameCrates', () => {
  it('names a crate after its package', () => {
    assert.deepEqual(nameCrates([crate('core', 'crates/core')], []).map((c) => c.projectName), ['core']);
  });

  it('renames a crate whose name another project already has, and says how to choose', () => {
    const [named] = nameCrates([crate('web', 'crates/web')], [{ name: 'web', root: 'apps/web' }]);
    assert.equal(named.projectName, 'web-rs');
    assert.match(named.notice ?? '', /crate `web` \(crates\/web\/Cargo\.toml\) is the Nx project `web-rs` because `web` is already the project at apps\/web/);
    assert.match(named.notice ?? '', /"projects": \{ "crates\/web": "<name>" \}/);
  });

  it('keeps the name when the other project is the same folder (package.json beside Cargo.toml)', () => {
    assert.equal(nameCrates([crate('addon', 'packages/addon')], [{ name: 'addon', root: 'packages/addon' }])[0].projectName, 'addon');
  });

  it('separates crates of the same name in different workspaces', () => {
    const names = nameCrates([crate('util', 'a/util'), crate('util', 'b/util'), crate('util', 'c/util')], []).map((c) => c.projectName);
    assert.deepEqual(names, ['util', 'util-rs', 'util-rs-2']);
  });

  it('applies renames and exclusions from the plugin options, by folder or by name', () => {
    const options = { projects: { 'crates/a': 'alpha', b: false as const } };
    assert.deepEqual(nameCrates([crate('a', 'crates/a'), crate('b', 'crates/b')], [], options).map((c) => c.projectName), ['alpha']);
  });
});
