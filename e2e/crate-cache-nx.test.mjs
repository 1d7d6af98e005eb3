// The crate cache under real nx: when Nx's task cache misses, cargo's units
// come back from the crate cache, and the task says so in its last lines.
// Where the real kache is installed, the same through `crateCache: kache`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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

const kache = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v kache'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

// A contract with the real kache: it cannot be installed here, so this runs only where it is on PATH.
describe('kache under nx (only where kache is installed)', { skip: !kache && 'kache is not on PATH' }, () => {
  it('runs under cargo and its report gives the task a crate cache line', () => {
    const ws = NxWorkspace.fromFixture('basic');
    try {
      const cold = ws.nxOk(['build', 'hello-cli', '--batch=false', '--crateCache=kache']).stdout;
      assert.match(cold, CACHE_LINE);
      rmSync(join(ws.root, 'target'), { recursive: true, force: true });
      const warm = cacheCounts(ws.nxOk(['build', 'hello-cli', '--skip-nx-cache', '--batch=false', '--crateCache=kache']).stdout);
      assert.ok(warm.restored > 0, JSON.stringify(warm));
      const report = JSON.parse(execFileSync(kache, ['report', '--format', 'json'], { cwd: ws.root, encoding: 'utf8' }));
      assert.ok(Array.isArray(report.all_events) && report.all_events.every((e) => typeof e.crate_name === 'string' && typeof e.result === 'string'));
    } finally {
      ws.dispose();
    }
  });
});
