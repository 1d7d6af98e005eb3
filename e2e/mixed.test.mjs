// A TypeScript package that uses a real napi-rs addon (napi, napi-derive and
// napi-build from crates.io, built by the workspace's @napi-rs/cli through
// nx-cargo:napi): one Nx project per folder, the build order, the cache
// restoring the .node file and the generated bindings, affected, and the
// library generator's --napi crate, under real nx.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const ran = (output, task) => new RegExp(`nx run ${task}(?! \\[)`).test(output);
const cached = (output, task) => new RegExp(`nx run ${task} \\[(local cache|existing outputs match the cache, left as is)\\]`).test(output);
const allCached = (output, count) => new RegExp(`Nx read the output from the cache instead of running the command for ${count} out of ${count} tasks`).test(output);

/** What `napi build --platform` writes beside package.json: `<binaryName>.<platform>-<arch>[-<abi>].node` and the bindings. */
const builtFiles = (ws, dir) => readdirSync(`${ws.root}/${dir}`).filter((name) => name.endsWith('.node') || name === 'index.js' || name === 'index.d.ts').sort();
const expectedFiles = (binaryName) => [new RegExp(`^${binaryName}\\.${process.platform}-${process.arch}(-\\w+)?\\.node$`), /^index\.d\.ts$/, /^index\.js$/];
const assertBuilt = (ws, dir, binaryName) => {
  const files = builtFiles(ws, dir);
  assert.equal(files.length, 3, files.join(', '));
  files.forEach((file, i) => assert.match(file, expectedFiles(binaryName)[i]));
};
const removeBuilt = (ws, dir) => {
  for (const file of builtFiles(ws, dir)) rmSync(`${ws.root}/${dir}/${file}`);
};

/** Loads a package folder with plain node (its package.json `main` is the generated index.js) and calls one function. */
const callAddon = (ws, dir, call) =>
  spawnSync(process.execPath, ['-e', `process.stdout.write(String(require('./${dir}').${call}))`], { cwd: ws.root, encoding: 'utf8' });

describe('a TS package using a napi-rs addon crate', () => {
  let ws;
  let typeDefinitions;
  before(() => {
    ws = NxWorkspace.fromFixture('mixed');
  });
  after(() => ws.dispose());

  it('makes one project of the crate folder, with cargo and napi targets, and an edge from the TS package', () => {
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--json']).stdout).sort();
    assert.deepEqual(projects, ['addon', 'shout', 'ts-pkg']);
    const addon = JSON.parse(ws.nxOk(['show', 'project', 'addon', '--json']).stdout);
    assert.equal(addon.targets.build.executor, 'nx-cargo:napi');
    assert.deepEqual(addon.targets.build.outputs, ['{projectRoot}/*.node', '{projectRoot}/index.js', '{projectRoot}/index.d.ts']);
    assert.equal(addon.targets.test.executor, 'nx-cargo:cargo');
    assert.deepEqual(ws.graph().dependencies['ts-pkg'].map((edge) => edge.target).sort(), ['addon', 'shout']);
  });

  it('builds the addon with napi build before compiling and testing the TS package against its typings', () => {
    const first = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(ran(first.output, 'addon:build'), first.output);
    assert.ok(ran(first.output, 'shout:build'), first.output);
    assert.ok(ran(first.output, 'ts-pkg:test'), first.output);
    assert.match(first.output, /pass 2/);
    assertBuilt(ws, 'crates/addon', 'addon');
    typeDefinitions = ws.read('crates/addon/index.d.ts');
    assert.match(typeDefinitions, /export declare function greeting\(\): string/);
    assert.equal(callAddon(ws, 'crates/addon', 'greeting()').stdout, 'hello from rust');
  });

  it('serves a second run entirely from the cache, restoring the .node file, index.js, index.d.ts and the binary', () => {
    removeBuilt(ws, 'crates/addon');
    rmSync(`${ws.root}/target/debug/shout`);
    const second = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(allCached(second.output, 3), second.output);
    assertBuilt(ws, 'crates/addon', 'addon');
    assert.equal(ws.read('crates/addon/index.d.ts'), typeDefinitions);
    assert.ok(existsSync(`${ws.root}/target/debug/shout`), 'the cache hit restored the binary');
    const load = callAddon(ws, 'crates/addon', 'greeting()');
    assert.equal(load.stdout, 'hello from rust', load.stderr);
    // The TS package's own test, run for real against what the cache restored: tsc reads index.d.ts, node loads the addon.
    const rerun = ws.nxOk(['run', 'ts-pkg:test', '--skip-nx-cache', '--exclude-task-dependencies', '--output-style=stream']);
    assert.ok(ran(rerun.output, 'ts-pkg:test'), rerun.output);
    assert.match(rerun.output, /pass 2/);
  });

  it('rebuilds the addon and reruns the TS test after a Rust edit; affected lists both', () => {
    ws.write('crates/addon/src/lib.rs', ws.read('crates/addon/src/lib.rs').replace('"hello from rust"', '"hello from rust, again"'));
    const affected = ws.nxOk(['show', 'projects', '--affected', '-t', 'test', '--files=crates/addon/src/lib.rs', '--json']);
    assert.deepEqual(JSON.parse(affected.stdout).sort(), ['addon', 'ts-pkg']);
    const third = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(ran(third.output, 'addon:build'), third.output);
    assert.ok(ran(third.output, 'ts-pkg:test'), third.output);
    assert.equal(callAddon(ws, 'crates/addon', 'greeting()').stdout, 'hello from rust, again');
  });

  it('leaves the crate cached when only the TS package changes', () => {
    ws.write('packages/ts-pkg/src/greeting.spec.ts', `${ws.read('packages/ts-pkg/src/greeting.spec.ts')}\n// touched\n`);
    const fourth = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(cached(fourth.output, 'addon:build'), fourth.output);
    assert.ok(ran(fourth.output, 'ts-pkg:test'), fourth.output);
    const affected = ws.nxOk(['show', 'projects', '--affected', '-t', 'test', '--files=packages/ts-pkg/src/greeting.spec.ts', '--json']);
    assert.deepEqual(JSON.parse(affected.stdout), ['ts-pkg']);
  });

  it('generates a napi-rs crate with `nx g nx-cargo:library --napi` that `nx build` builds and node loads', () => {
    // The workspace already names @napi-rs/cli, so the generator leaves package.json alone and installs nothing.
    const rootManifest = ws.read('package.json');
    ws.nxOk(['g', 'nx-cargo:library', 'gen-addon', '--napi']);
    assert.equal(ws.read('package.json'), rootManifest);
    const project = JSON.parse(ws.nxOk(['show', 'project', 'gen-addon', '--json']).stdout);
    assert.equal(project.targets.build.executor, 'nx-cargo:napi');
    const build = ws.nxOk(['build', 'gen-addon', '--output-style=stream']);
    assert.ok(ran(build.output, 'gen-addon:build'), build.output);
    assertBuilt(ws, 'crates/gen-addon', 'gen-addon');
    assert.match(ws.read('crates/gen-addon/index.d.ts'), /export declare function sum\(a: number, b: number\): number/);
    const load = callAddon(ws, 'crates/gen-addon', 'sum(2, 3)');
    assert.equal(load.stdout, '5', load.stderr);
  });


  // Negative control: the same deletion and cache hit, with the bindings left
  // out of the declared outputs, must leave them missing.
  it('does not bring the bindings back when the build target does not declare them', () => {
    const manifest = JSON.parse(ws.read('crates/addon/package.json'));
    ws.write('crates/addon/package.json', JSON.stringify({ ...manifest, nx: { targets: { build: { outputs: ['{projectRoot}/*.node'] } } } }, null, 2));
    const addon = JSON.parse(ws.nxOk(['show', 'project', 'addon', '--json']).stdout);
    assert.deepEqual(addon.targets.build.outputs, ['{projectRoot}/*.node']);
    ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    removeBuilt(ws, 'crates/addon');
    const again = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(allCached(again.output, 3), again.output);
    // What is declared comes back; the bindings do not, and the package no longer loads.
    assert.deepEqual(builtFiles(ws, 'crates/addon').map((name) => name.endsWith('.node')), [true]);
    const load = callAddon(ws, 'crates/addon', 'greeting()');
    assert.notEqual(load.status, 0);
    assert.match(load.stderr, /Cannot find module/);
  });
});
