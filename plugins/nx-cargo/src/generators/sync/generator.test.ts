import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { syncGenerator } from './generator.js';

describe('sync generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nedition = "2021"\n\n[profile.dev]\ndebug = 1\n');
    tree.write('crates/app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\nedition.workspace = true\n');
    tree.write('crates/app/src/lib.rs', '');
  });

  it("writes each crate's file beside its manifest and the workspace's profile files, then has nothing to do", async () => {
    const first = await syncGenerator(tree);
    assert.match(first?.outOfSyncMessage ?? '', /5 to write \(crates\/app\/\.nx-cargo-inputs\.txt, \.nx-cargo\/profile\.dev\.txt, \.nx-cargo\/profile\.test\.txt, \.\.\.\)\. Run `nx sync`/);
    assert.match(tree.read('crates/app/.nx-cargo-inputs.txt', 'utf-8') ?? '', /^\[workspace\.package\] edition = "2021"$/m);
    assert.match(tree.read('.nx-cargo/profile.dev.txt', 'utf-8') ?? '', /^debug = 1$/m);
    assert.equal(await syncGenerator(tree), undefined);
  });

  it('rewrites what changed and deletes the files of crates that are gone', async () => {
    await syncGenerator(tree);
    tree.write('Cargo.toml', (tree.read('Cargo.toml', 'utf-8') ?? '').replace('debug = 1', 'debug = 2'));
    tree.write('crates/gone/.nx-cargo-inputs.txt', 'stale\n');
    const result = await syncGenerator(tree);
    assert.match(result?.outOfSyncMessage ?? '', /1 to write \(\.nx-cargo\/profile\.dev\.txt\), 1 to delete \(crates\/gone\/\.nx-cargo-inputs\.txt\)/);
    assert.equal(tree.exists('crates/gone/.nx-cargo-inputs.txt'), false);
  });

  it('writes nothing for a crate the plugin options leave out', async () => {
    tree.write('nx.json', JSON.stringify({ plugins: [{ plugin: 'nx-cargo', options: { projects: { 'crates/app': false } } }] }));
    await syncGenerator(tree);
    assert.equal(tree.exists('crates/app/.nx-cargo-inputs.txt'), false);
  });
});
