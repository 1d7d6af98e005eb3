// The crate cache under real nx: when Nx's task cache misses, cargo's units
// come back from the crate cache, and the task says so in its last lines.
// The same through `crateCache: kache` with the real kache, whose task lines
// must be what kache's own report says of each task's cargo run.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireKache } from '../tools/support/kache.mjs';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const CACHE_LINE = /crate cache: (\d+) restored, (\d+) compiled, (\d+) passed through/;

function cacheCounts(output) {
  const match = CACHE_LINE.exec(output);
  assert.ok(match, `no crate cache line in:\n${output}`);
  return { restored: Number(match[1]), compiled: Number(match[2]) };
}

describe('the built-in crate cache under nx', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
  });
  after(() => ws.dispose());

  it('compiles on the first build and restores every unit when the Nx cache misses', () => {
    const cold = cacheCounts(ws.nxOk(['build', 'hello-cli', '--batch=false']).stdout);
    assert.deepEqual(cold, { restored: 0, compiled: 3 }, 'words, greet and hello-cli');
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const warm = cacheCounts(ws.nxOk(['build', 'hello-cli', '--skip-nx-cache', '--batch=false']).stdout);
    assert.deepEqual(warm, { restored: cold.compiled, compiled: 0 });
    assert.match(execFileSync(join(ws.root, 'target/debug/hello-cli'), { encoding: 'utf8' }), /hello/i);
  });

  it("in a batch too: each task its own units, and the shared cargo run's total once", () => {
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const output = ws.nxOk(['run-many', '-t', 'build', '--skip-nx-cache', '--output-style=static']).stdout;
    for (const crate of ['words', 'greet', 'hello-cli']) {
      assert.match(output, new RegExp(`crate cache \\(${crate}'s own units; cargo run shared by 3 tasks\\): 1 restored, 0 compiled`));
    }
    assert.equal(output.match(/crate cache \(the whole cargo run shared by 3 tasks\): 3 restored, 0 compiled/g)?.length, 1);
  });

  it('negative control: with crateCache off nothing is restored and no line is printed', () => {
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const { stdout, stderr } = ws.nxOk(['build', 'hello-cli', '--skip-nx-cache', '--batch=false', '--crateCache=off']);
    assert.doesNotMatch(stdout, CACHE_LINE);
    assert.match(stdout + stderr, /Compiling\s+hello-cli/);
  });
});

describe('kache under nx (crateCache: kache)', () => {
  const kache = requireKache();
  let ws;
  let env;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
    // kache's store in the workspace, its defaults whatever the user's config, its daemon ended by after().
    writeFileSync(join(ws.root, 'kache.toml'), '');
    env = { PATH: `${dirname(kache)}:${process.env.PATH}`, KACHE_CACHE_DIR: join(ws.root, '.kache'), KACHE_CONFIG: join(ws.root, 'kache.toml'), KACHE_HOST_CONFIG: '', KACHE_DAEMON_IDLE_TIMEOUT: '300' };
  });
  after(() => {
    spawnSync(kache, ['daemon', 'stop'], { env: { ...process.env, ...env } });
    ws.dispose();
  });

  const report = (root, since) => JSON.parse(execFileSync(kache, ['report', '--format', 'json', '--root', root, ...(since ? ['--since', since] : [])], { cwd: ws.root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  /** What kache's summary says of one event root, in the task line's terms. */
  const kacheCounts = (root) => {
    const { summary } = report(root);
    return { restored: summary.local_hits + summary.prefetch_hits + summary.remote_hits, compiled: summary.misses + summary.dups };
  };
  /** The event roots of this workspace's cargo runs since `from` (epoch ms), oldest first. */
  const runRoots = (from) => {
    const events = report(ws.root).traceEvents.filter((event) => event.ph === 'X' && event.ts >= from * 1000).sort((a, b) => a.ts - b.ts);
    return [...new Set(events.map((event) => event.args.root))];
  };

  it("gives each task the counts of kache's report for its own cargo run, cold and after target/ is gone", () => {
    const started = Date.now();
    const cold = cacheCounts(ws.nxOk(['build', 'hello-cli', '--batch=false', '--crateCache=kache'], env).stdout);
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const warm = cacheCounts(ws.nxOk(['build', 'hello-cli', '--skip-nx-cache', '--batch=false', '--crateCache=kache'], env).stdout);
    const roots = runRoots(started);
    assert.equal(roots.length, 2, `one event root per cargo run: ${roots}`);
    assert.ok(roots.every((root) => root.startsWith(`${ws.root}/.nx-cargo/kache-runs/`)), roots.join(' '));
    assert.deepEqual([cold, warm], roots.map(kacheCounts));
    assert.deepEqual(cold, { restored: 0, compiled: 3 }, 'words, greet and hello-cli');
    assert.deepEqual(warm, { restored: 3, compiled: 0 });
    assert.match(execFileSync(join(ws.root, 'target/debug/hello-cli'), { encoding: 'utf8' }), /hello/i);
  });

  it("in a batch: each task its own package's units (kache names crates with _), the run's total once", () => {
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const output = ws.nxOk(['run-many', '-t', 'build', '--skip-nx-cache', '--output-style=static', '--crateCache=kache'], env).stdout;
    for (const crate of ['words', 'greet', 'hello-cli']) {
      assert.match(output, new RegExp(`crate cache \\(${crate}'s own units; cargo run shared by 3 tasks\\): 1 restored, 0 compiled`));
    }
    assert.equal(output.match(/crate cache \(the whole cargo run shared by 3 tasks\): 3 restored, 0 compiled/g)?.length, 1);
  });

  it('tasks that run at once on one workspace each count only their own units', () => {
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const started = Date.now();
    const { stdout } = ws.nxOk(['run-many', '-t', 'build', '--skip-nx-cache', '--batch=false', '--parallel=3', '--excludeTaskDependencies', '--output-style=static', '--crateCache=kache'], env);
    // A task whose cargo found everything built by another prints no line.
    const units = [...stdout.matchAll(new RegExp(CACHE_LINE, 'g'))].reduce((sum, match) => sum + Number(match[1]) + Number(match[2]), 0);
    const recorded = report(ws.root).traceEvents.filter((event) => event.ph === 'X' && event.ts >= started * 1000 && event.args.result !== 'passthrough');
    assert.equal(recorded.length, 3, 'words, greet and hello-cli, once each');
    assert.equal(units, recorded.length, "the tasks' lines add up to kache's report of the workspace");
  });
});
