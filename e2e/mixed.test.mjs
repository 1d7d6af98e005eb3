// A TypeScript package that uses a native addon built from a crate: one Nx
// project per folder, the build order, the cache, and affected, under real nx.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const ran = (output, task) => new RegExp(`nx run ${task}(?! \\[)`).test(output);
const cached = (output, task) => new RegExp(`nx run ${task} \\[(local cache|existing outputs match the cache, left as is)\\]`).test(output);
const addonFile = (ws) => readdirSync(`${ws.root}/crates/addon`).find((name) => name.endsWith('.node'));

describe('a TS package using a native addon crate', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('mixed');
  });
  after(() => ws.dispose());

  it('makes one project of the crate folder, with cargo and napi targets, and an edge from the TS package', () => {
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--json']).stdout).sort();
    assert.deepEqual(projects, ['addon', 'shout', 'ts-pkg']);
    const addon = JSON.parse(ws.nxOk(['show', 'project', 'addon', '--json']).stdout);
    assert.equal(addon.targets.build.executor, 'nx-cargo:napi');
    assert.equal(addon.targets.test.executor, 'nx-cargo:cargo');
    assert.deepEqual(ws.graph().dependencies['ts-pkg'].map((edge) => edge.target).sort(), ['addon', 'shout']);
  });

  it('builds the addon before testing the TS package', () => {
    const first = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(ran(first.output, 'addon:build'), first.output);
    assert.ok(ran(first.output, 'shout:build'), first.output);
    assert.ok(ran(first.output, 'ts-pkg:test'), first.output);
    assert.match(first.output, /pass 2/);
    assert.ok(addonFile(ws), 'napi build left a .node file beside package.json');
  });

  it('serves a second run entirely from the cache, restoring the .node file and the binary', () => {
    rmSync(`${ws.root}/crates/addon/${addonFile(ws)}`);
    rmSync(`${ws.root}/target`, { recursive: true });
    const second = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.match(second.output, /Nx read the output from the cache instead of running the command for 3 out of 3 tasks/);
    assert.ok(addonFile(ws), 'the cache hit restored the addon');
    assert.ok(existsSync(`${ws.root}/target/debug/shout`), 'the cache hit restored the binary');
  });

  it('rebuilds the addon and reruns the TS test after a Rust edit; affected lists both', () => {
    ws.write('crates/addon/src/lib.rs', ws.read('crates/addon/src/lib.rs').replace('"hello from rust"', '"hello from rust, again"'));
    const affected = ws.nxOk(['show', 'projects', '--affected', '-t', 'test', '--files=crates/addon/src/lib.rs', '--json']);
    assert.deepEqual(JSON.parse(affected.stdout).sort(), ['addon', 'ts-pkg']);
    const third = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(ran(third.output, 'addon:build'), third.output);
    assert.ok(ran(third.output, 'ts-pkg:test'), third.output);
  });

  it('leaves the crate cached when only the TS package changes', () => {
    ws.write('packages/ts-pkg/greeting.spec.mjs', `${ws.read('packages/ts-pkg/greeting.spec.mjs')}\n// touched\n`);
    const fourth = ws.nxOk(['test', 'ts-pkg', '--output-style=stream']);
    assert.ok(cached(fourth.output, 'addon:build'), fourth.output);
    assert.ok(ran(fourth.output, 'ts-pkg:test'), fourth.output);
    const affected = ws.nxOk(['show', 'projects', '--affected', '-t', 'test', '--files=packages/ts-pkg/greeting.spec.mjs', '--json']);
    assert.deepEqual(JSON.parse(affected.stdout), ['ts-pkg']);
  });
});
