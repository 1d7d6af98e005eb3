import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator, ROOT_MANIFEST } from './generator.js';

const plugins = (tree: Tree) => readJson(tree, 'nx.json').plugins as unknown[];

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('registers the plugin, keeping the rest of nx.json', async () => {
    await initGenerator(tree, {});
    assert.deepEqual(plugins(tree), ['nx-cargo']);
    assert.equal(readJson(tree, 'nx.json').affected.defaultBase, 'main');
  });

  it('registers nx-cargo:sync as a global sync generator once, keeping the rest of sync', async () => {
    await initGenerator(tree, {});
    assert.deepEqual(readJson(tree, 'nx.json').sync, { globalGenerators: ['nx-cargo:sync'] });
    tree.write('nx.json', JSON.stringify({ plugins: ['nx-cargo'], sync: { applyChanges: false, globalGenerators: ['@nx/js:typescript-sync'] } }));
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    assert.deepEqual(readJson(tree, 'nx.json').sync, { applyChanges: false, globalGenerators: ['@nx/js:typescript-sync', 'nx-cargo:sync'] });
  });

  it('does not register the plugin again in string form', async () => {
    tree.write('nx.json', JSON.stringify({ plugins: ['@nx/js', 'nx-cargo'] }));
    await initGenerator(tree, {});
    assert.deepEqual(plugins(tree), ['@nx/js', 'nx-cargo']);
  });

  it('does not register the plugin again in object form, and keeps its options', async () => {
    const entry = { plugin: 'nx-cargo', options: { projects: { 'crates/web': 'web-rs' } } };
    tree.write('nx.json', JSON.stringify({ plugins: [entry] }));
    await initGenerator(tree, {});
    assert.deepEqual(plugins(tree), [entry]);
  });

  it('creates nx.json when there is none', async () => {
    tree.delete('nx.json');
    await initGenerator(tree, {});
    assert.deepEqual(plugins(tree), ['nx-cargo']);
  });

  it('creates a virtual workspace manifest', async () => {
    await initGenerator(tree, {});
    assert.equal(tree.read('Cargo.toml', 'utf-8'), ROOT_MANIFEST);
    assert.match(ROOT_MANIFEST, /^\[workspace\]\nresolver = "2"\nmembers = \["crates\/\*"\]\n$/);
  });

  it('leaves an existing root Cargo.toml alone', async () => {
    const mine = '# mine\n[package]\nname = "root"\nversion = "0.1.0"\n';
    tree.write('Cargo.toml', mine);
    await initGenerator(tree, {});
    assert.equal(tree.read('Cargo.toml', 'utf-8'), mine);
  });

  it('creates .gitignore with target when there is none', async () => {
    assert.equal(tree.exists('.gitignore'), false);
    await initGenerator(tree, {});
    assert.equal(tree.read('.gitignore', 'utf-8'), '# Cargo build output\ntarget\n');
  });

  it('appends target to .gitignore, on a line of its own', async () => {
    tree.write('.gitignore', 'node_modules\ndist');
    await initGenerator(tree, {});
    assert.equal(tree.read('.gitignore', 'utf-8'), 'node_modules\ndist\n# Cargo build output\ntarget\n');
  });

  for (const line of ['target', '/target', 'target/', '/target/', '**/target']) {
    it(`sees that \`${line}\` already ignores target`, async () => {
      tree.write('.gitignore', `node_modules\n${line}\n`);
      await initGenerator(tree, {});
      assert.equal(tree.read('.gitignore', 'utf-8'), `node_modules\n${line}\n`);
    });
  }

  it('adds target when a later line re-includes it', async () => {
    tree.write('.gitignore', '/target\n!/target\n');
    await initGenerator(tree, {});
    assert.equal(tree.read('.gitignore', 'utf-8'), '/target\n!/target\n# Cargo build output\ntarget\n');
  });

  it('changes nothing when run a second time', async () => {
    await initGenerator(tree, {});
    const first = new Map(['nx.json', 'Cargo.toml', '.gitignore'].map((file) => [file, tree.read(file, 'utf-8')]));
    const changesBefore = tree.listChanges().length;
    await initGenerator(tree, {});
    for (const [file, text] of first) assert.equal(tree.read(file, 'utf-8'), text, file);
    assert.equal(tree.listChanges().length, changesBefore);
  });
});
