import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { posix } from 'node:path';
import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { loadCargoRepository, type FileSystem } from '@nx-cargo/cargo-workspace';
import { parse } from 'smol-toml';
import { describeBuild } from '../../graph/crate-build.js';
import { libraryGenerator } from './generator.js';

const read = (tree: Tree, file: string) => tree.read(file, 'utf-8');
const members = (tree: Tree) => (parse(read(tree, 'Cargo.toml') ?? '') as { workspace: { members: string[] } }).workspace.members;

describe('library generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('runs init first when there is no root Cargo.toml, and the crates/* glob covers the crate', async () => {
    await libraryGenerator(tree, { name: 'mylib' });
    assert.deepEqual(readJson(tree, 'nx.json').plugins, ['nx-cargo']);
    assert.equal(read(tree, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
    assert.match(read(tree, '.gitignore') ?? '', /^target$/m);
  });

  it('writes a manifest and a lib.rs with a tested function', async () => {
    await libraryGenerator(tree, { name: 'mylib' });
    assert.equal(read(tree, 'crates/mylib/Cargo.toml'), '[package]\nname = "mylib"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n');
    const lib = read(tree, 'crates/mylib/src/lib.rs') ?? '';
    assert.match(lib, /^pub fn add\(left: u64, right: u64\) -> u64 \{$/m);
    assert.match(lib, /#\[cfg\(test\)\]\nmod tests \{/);
    assert.match(lib, /#\[test\]\n    fn adds\(\)/);
    assert.equal(tree.exists('crates/mylib/src/main.rs'), false);
  });

  it('inherits version and edition from [workspace.package] when it has them', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "2.0.0"\nedition = "2021"\n');
    await libraryGenerator(tree, { name: 'mylib' });
    assert.equal(read(tree, 'crates/mylib/Cargo.toml'), '[package]\nname = "mylib"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\n');
  });

  it('inherits only the keys [workspace.package] has', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nedition = "2021"\nlicense = "MIT"\n');
    await libraryGenerator(tree, { name: 'mylib' });
    assert.match(read(tree, 'crates/mylib/Cargo.toml') ?? '', /\nversion = "0\.1\.0"\nedition\.workspace = true\n/);
  });

  it('leaves the root manifest untouched when a glob already covers the crate', async () => {
    const root = '# my workspace\n[workspace]\nresolver = "2"\nmembers = ["crates/*"]  # everything\n';
    tree.write('Cargo.toml', root);
    await libraryGenerator(tree, { name: 'mylib' });
    assert.equal(read(tree, 'Cargo.toml'), root);
  });

  it('adds the folder to members when no entry covers it', async () => {
    tree.write('Cargo.toml', '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
    await libraryGenerator(tree, { name: 'mylib', directory: 'libs/rust/mylib' });
    assert.equal(read(tree, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*", "libs/rust/mylib"]\n');
    assert.ok(tree.exists('libs/rust/mylib/Cargo.toml'));
    assert.ok(tree.exists('libs/rust/mylib/src/lib.rs'));
  });

  it('adds the folder to a workspace with literal members only', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/a"]\n');
    await libraryGenerator(tree, { name: 'mylib' });
    assert.deepEqual(members(tree), ['crates/a', 'crates/mylib']);
  });

  it('adds to a multi-line members array and keeps the comments', async () => {
    const root = [
      '[workspace]',
      'resolver = "2"',
      '# Rust crates of the monorepo',
      'members = [',
      '    "apps/server", # the API',
      '    # "crates/legacy",',
      '    "tools/codegen",',
      ']',
      '',
      '[profile.release]',
      'lto = true # small binaries',
      '',
    ].join('\n');
    tree.write('Cargo.toml', root);
    await libraryGenerator(tree, { name: 'mylib' });
    assert.equal(read(tree, 'Cargo.toml'), root.replace('    "tools/codegen",\n', '    "tools/codegen",\n    "crates/mylib",\n'));
  });

  it('adds the folder when an exclude takes it out of the glob', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/mylib"]\n');
    await libraryGenerator(tree, { name: 'mylib' });
    assert.deepEqual(members(tree), ['crates/*', 'crates/mylib']);
  });

  it('adds members to a root package that has an empty [workspace] table', async () => {
    tree.write('Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n');
    await libraryGenerator(tree, { name: 'mylib' });
    assert.equal(read(tree, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\nmembers = ["crates/mylib"]\n');
  });

  it('joins the nearest workspace above the folder, with a path relative to it', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n');
    tree.write('rust/Cargo.toml', '[workspace]\nmembers = ["core"]\n\n[workspace.package]\nversion = "3.0.0"\n');
    await libraryGenerator(tree, { name: 'mylib', directory: 'rust/libs/mylib' });
    assert.equal(read(tree, 'Cargo.toml'), '[workspace]\nmembers = ["crates/*"]\n');
    assert.equal(read(tree, 'rust/Cargo.toml'), '[workspace]\nmembers = ["core", "libs/mylib"]\n\n[workspace.package]\nversion = "3.0.0"\n');
    assert.match(read(tree, 'rust/libs/mylib/Cargo.toml') ?? '', /version\.workspace = true\nedition = "2021"/);
  });

  it('leaves a crate standalone when the root is a package without a workspace, as cargo new does', async () => {
    const root = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n';
    tree.write('Cargo.toml', root);
    await libraryGenerator(tree, { name: 'mylib' });
    assert.equal(read(tree, 'Cargo.toml'), root);
    assert.ok(tree.exists('crates/mylib/Cargo.toml'));
  });

  it('normalizes --directory', async () => {
    await libraryGenerator(tree, { name: 'mylib', directory: './crates/mylib/' });
    assert.ok(tree.exists('crates/mylib/Cargo.toml'));
    assert.equal(read(tree, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
  });

  it('refuses an invalid name before writing anything', async () => {
    await assert.rejects(libraryGenerator(tree, { name: '9lives' }), /invalid crate name `9lives`: it cannot start with `9`/);
    await assert.rejects(libraryGenerator(tree, { name: 'my.lib' }), /the character `\.` is not allowed/);
    assert.equal(tree.exists('Cargo.toml'), false);
    assert.deepEqual(tree.listChanges().filter((change) => change.path !== 'nx.json' && change.path !== 'package.json' && change.path !== 'tsconfig.base.json'), []);
  });

  it('refuses a folder outside the workspace or the root itself', async () => {
    await assert.rejects(libraryGenerator(tree, { name: 'mylib', directory: '../elsewhere' }), /--directory must stay inside the workspace/);
    await assert.rejects(libraryGenerator(tree, { name: 'mylib', directory: '/abs/path' }), /--directory must be relative/);
    await assert.rejects(libraryGenerator(tree, { name: 'mylib', directory: '.' }), /--directory cannot be the workspace root/);
  });

  it('refuses to overwrite an existing crate', async () => {
    await libraryGenerator(tree, { name: 'mylib' });
    await assert.rejects(libraryGenerator(tree, { name: 'mylib' }), /crates\/mylib\/Cargo\.toml already exists/);
  });

  it('refuses a name another member of the workspace already has', async () => {
    await libraryGenerator(tree, { name: 'mylib' });
    await assert.rejects(libraryGenerator(tree, { name: 'mylib', directory: 'crates/other' }), /already has a package named `mylib` \(crates\/mylib\/Cargo\.toml\)/);
    assert.equal(tree.exists('crates/other/Cargo.toml'), false);
  });

  it('refuses a root manifest that is not valid TOML, naming it', async () => {
    tree.write('Cargo.toml', '[workspace\n');
    await assert.rejects(libraryGenerator(tree, { name: 'mylib' }), /Cargo\.toml:1:\d+: invalid TOML/);
  });
});

describe('library generator --napi', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  /** The model's file system over the tree, as the plugin reads the workspace. */
  const treeFiles = (): FileSystem => ({
    readFile: (path) => (tree.isFile(path) ? (tree.read(path, 'utf-8') ?? undefined) : undefined),
    readDir: (path) => (tree.exists(path) && !tree.isFile(path) ? tree.children(path).map((name) => ({ name, isDirectory: !tree.isFile(posix.join(path, name)) })) : []),
  });

  it('writes a cdylib on napi and napi-derive, with napi-build in build.rs', async () => {
    await libraryGenerator(tree, { name: 'my-addon', napi: true });
    assert.equal(
      read(tree, 'crates/my-addon/Cargo.toml'),
      [
        '[package]', 'name = "my-addon"', 'version = "0.1.0"', 'edition = "2021"', '',
        '[lib]', 'crate-type = ["cdylib"]', '',
        '[dependencies]', 'napi = "3"', 'napi-derive = "3"', '',
        '[build-dependencies]', 'napi-build = "2"', '',
      ].join('\n'),
    );
    assert.equal(read(tree, 'crates/my-addon/build.rs'), 'fn main() {\n    napi_build::setup();\n}\n');
    const lib = read(tree, 'crates/my-addon/src/lib.rs') ?? '';
    assert.match(lib, /^use napi_derive::napi;$/m);
    assert.match(lib, /#\[napi\]\npub fn sum\(a: i32, b: i32\) -> i32 \{/);
    assert.match(lib, /#\[test\]\n    fn adds\(\)/);
  });

  it('writes a package.json with the napi entry, loading the generated bindings, and ignores what napi build writes', async () => {
    await libraryGenerator(tree, { name: 'my-addon', napi: true });
    assert.deepEqual(readJson(tree, 'crates/my-addon/package.json'), {
      name: 'my-addon',
      version: '0.1.0',
      private: true,
      main: 'index.js',
      types: 'index.d.ts',
      napi: { binaryName: 'my-addon' },
    });
    assert.equal(read(tree, 'crates/my-addon/.gitignore'), '*.node\nindex.js\nindex.d.ts\n');
  });

  it('makes a crate the plugin builds with napi build, with generated bindings', async () => {
    await libraryGenerator(tree, { name: 'my-addon', napi: true });
    const fs = treeFiles();
    const repository = loadCargoRepository(fs, ['Cargo.toml', 'crates/my-addon/Cargo.toml']);
    assert.deepEqual(repository.errors, []);
    const pkg = repository.packages.find((candidate) => candidate.name === 'my-addon');
    assert.ok(pkg);
    assert.deepEqual(describeBuild(fs, pkg, { packageJsonFiles: new Set(['crates/my-addon/package.json']), projectFolders: new Set<string>(), buildConfigs: new Map() }).napi, { generatesBindings: true });
    // Without --napi: no package.json, so a plain cargo build.
    await libraryGenerator(tree, { name: 'plain' });
    const plain = loadCargoRepository(fs, ['Cargo.toml', 'crates/plain/Cargo.toml']).packages.find((candidate) => candidate.name === 'plain');
    assert.ok(plain);
    assert.equal(describeBuild(fs, plain, { packageJsonFiles: new Set(), projectFolders: new Set<string>(), buildConfigs: new Map() }).napi, undefined);
  });

  it('adds @napi-rs/cli to the root devDependencies when missing, and keeps a version the workspace has', async () => {
    await libraryGenerator(tree, { name: 'one', napi: true });
    assert.equal(readJson(tree, 'package.json').devDependencies['@napi-rs/cli'], '^3.10.12');
    writeJson(tree, 'package.json', { ...readJson(tree, 'package.json'), devDependencies: { '@napi-rs/cli': '3.0.0' } });
    await libraryGenerator(tree, { name: 'two', napi: true });
    assert.equal(readJson(tree, 'package.json').devDependencies['@napi-rs/cli'], '3.0.0');
  });

  it('keeps version and edition inheritance', async () => {
    tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "2.0.0"\nedition = "2021"\n');
    await libraryGenerator(tree, { name: 'my-addon', napi: true });
    assert.match(read(tree, 'crates/my-addon/Cargo.toml') ?? '', /^name = "my-addon"\nversion\.workspace = true\nedition\.workspace = true\n\n\[lib\]/m);
  });

  it('refuses a name npm does not accept, and a folder that already has a package.json, before writing anything', async () => {
    await assert.rejects(libraryGenerator(tree, { name: 'MyAddon', napi: true }), /invalid napi-rs crate name `MyAddon`: .*must be lowercase/);
    await assert.rejects(libraryGenerator(tree, { name: '_addon', napi: true }), /cannot start with `_`/);
    assert.equal(tree.exists('Cargo.toml'), false);
    tree.write('crates/web/package.json', '{"name":"web"}');
    await assert.rejects(libraryGenerator(tree, { name: 'web', napi: true }), /crates\/web\/package\.json already exists/);
    assert.equal(tree.exists('crates/web/Cargo.toml'), false);
  });
});
