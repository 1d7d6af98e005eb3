import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { libraryGenerator } from '../library/generator.js';
import { binaryGenerator } from './generator.js';

const read = (tree: Tree, file: string) => tree.read(file, 'utf-8');

describe('binary generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('writes a manifest and a main.rs with a tested helper', async () => {
    await binaryGenerator(tree, { name: 'mycli' });
    assert.equal(read(tree, 'crates/mycli/Cargo.toml'), '[package]\nname = "mycli"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n');
    const main = read(tree, 'crates/mycli/src/main.rs') ?? '';
    assert.match(main, /^fn main\(\) \{\n    println!\("\{\}", greeting\("world"\)\);\n\}/);
    assert.match(main, /fn greeting\(name: &str\) -> String/);
    assert.match(main, /#\[cfg\(test\)\]\nmod tests \{[\s\S]*#\[test\]\n    fn greets_by_name\(\)/);
    assert.equal(tree.exists('crates/mycli/src/lib.rs'), false);
  });

  it('inherits from [workspace.package] and joins the members', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = [\n  "crates/core",\n]\n\n[workspace.package]\nversion = "1.0.0"\nedition = "2021"\n');
    await binaryGenerator(tree, { name: 'mycli', directory: 'apps/mycli' });
    assert.match(read(tree, 'apps/mycli/Cargo.toml') ?? '', /version\.workspace = true\nedition\.workspace = true/);
    assert.equal(read(tree, 'Cargo.toml'), '[workspace]\nmembers = [\n  "crates/core",\n  "apps/mycli",\n]\n\n[workspace.package]\nversion = "1.0.0"\nedition = "2021"\n');
  });

  it('sits beside a library in the same workspace', async () => {
    await libraryGenerator(tree, { name: 'mylib' });
    await binaryGenerator(tree, { name: 'mycli' });
    assert.ok(tree.exists('crates/mylib/src/lib.rs'));
    assert.ok(tree.exists('crates/mycli/src/main.rs'));
    assert.equal(read(tree, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
  });

  it('refuses binary names that clash with cargo\'s target folders', async () => {
    await assert.rejects(binaryGenerator(tree, { name: 'deps' }), /invalid binary crate name `deps`/);
    await assert.rejects(binaryGenerator(tree, { name: 'fn' }), /it is a Rust keyword/);
  });
});
