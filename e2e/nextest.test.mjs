// Tests under cargo-nextest through real nx (plugin option testRunner:
// nextest): a failing test fails its task with nextest's own report of it,
// a flaky test passes on a retry of the ci profile, each task caches its own
// JUnit report, and partitions split a crate's tests between CI machines.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { requireNextest } from '../tools/support/nextest.mjs';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CRATE_CACHE, NxWorkspace } from '../tools/support/nx-workspace.mjs';

const junitOf = (crate, target = 'test') => `target/nextest/junit/${crate}/${target}.xml`;

/** The tests a JUnit report lists, as `binary::test` (nextest: a testsuite per test binary, a testcase per test). */
function testcases(xml) {
  return [...xml.matchAll(/<testcase name="([^"]+)" classname="([^"]+)"/g)].map(([, name, classname]) => `${classname}::${name}`).sort();
}

/** One task's part of `--output-style=static` output (colours removed): from its `> nx run <task>` line to the next. */
function taskOutput(coloured, task) {
  const output = stripVTControlCharacters(coloured);
  const start = output.indexOf(`> nx run ${task}`);
  assert.notEqual(start, -1, `no output of ${task} in:\n${output}`);
  const next = output.indexOf('> nx run ', start + 1);
  return output.slice(start, next === -1 ? undefined : next);
}

describe('nextest as the test runner (testRunner: nextest)', () => {
  // cargo finds `cargo nextest` on PATH: the pinned cargo-nextest, wherever the test tools put it.
  const PATH = `${dirname(requireNextest())}:${process.env.PATH}`;
  let ws;
  let scratch;
  before(() => {
    ws = NxWorkspace.fromFixture('nextest');
    ws.write('nx.json', JSON.stringify({ plugins: [{ plugin: 'nx-cargo', options: { testRunner: 'nextest' } }], targetDefaults: BUILTIN_CRATE_CACHE }, null, 2));
    scratch = mkdtempSync(join(tmpdir(), 'nextest-e2e-'));
  });
  after(() => {
    ws.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });
  let markers = 0;
  /** A FLAKY_MARKER that does not exist yet: the flaky test fails once, then passes. */
  const flakyEnv = () => ({ FLAKY_MARKER: join(scratch, `marker-${++markers}`) });
  const nx = (args, env = {}) => ws.nx(args, { PATH, ...env });
  const nxOk = (args, env = {}) => ws.nxOk(args, { PATH, ...env });

  it("a failing test fails its task, whose output is nextest's report of that test; the others in its crate still run", () => {
    for (const batch of ['false', 'true']) {
      const result = nx(['test', 'broken', '--skip-nx-cache', `--batch=${batch}`]);
      assert.notEqual(result.status, 0, `batch=${batch}`);
      assert.match(result.output, /FAIL \[\s*[\d.]+s\] (\(\d+\/\d+\) )?broken tests::arithmetic/, `batch=${batch}`);
      assert.match(result.output, /four is not five/);
      assert.match(result.output, /PASS \[\s*[\d.]+s\] (\(\d+\/\d+\) )?broken tests::still_fine/);
      assert.match(result.output, /2 tests run: 1 passed, 1 failed/);
    }
    // Negative control: under cargo test the same failure reads as libtest's, not nextest's.
    const plain = nx(['test', 'broken', '--skip-nx-cache', '--batch=false', '--testRunner=cargo']);
    assert.notEqual(plain.status, 0);
    assert.doesNotMatch(plain.output, /FAIL \[/);
    assert.match(plain.output, /test tests::arithmetic \.\.\. FAILED/);
  });

  it('a flaky test passes on a retry of the ci profile, and its JUnit report says it was flaky', () => {
    const result = nxOk(['test', 'flaky', '--skip-nx-cache', '--batch=false', '--nextestProfile=ci'], flakyEnv());
    assert.match(result.output, /TRY 1 FAIL .*flaky tests::passes_on_retry/);
    assert.match(result.output, /TRY 2 PASS .*flaky tests::passes_on_retry/);
    assert.match(ws.read(junitOf('flaky')), /<flakyFailure/);
    // Negative control: the default profile does not retry, so the first failure fails the task.
    const once = nx(['test', 'flaky', '--skip-nx-cache', '--batch=false'], flakyEnv());
    assert.notEqual(once.status, 0);
    assert.match(once.output, /first attempt fails on purpose/);
  });

  it("compiles once in a batch, runs each task's tests alone, and caches and restores each task's JUnit report", () => {
    const args = ['run-many', '-t', 'test', '-p', 'calc', 'flaky', '--nextestProfile=ci', '--output-style=static'];
    // The tests before ran with --skip-nx-cache, which stores nothing: this run fills the cache.
    const first = nxOk(args, flakyEnv());
    // One cargo build before the tasks: each task's nextest finds its test binaries built.
    for (const task of ['calc:test', 'flaky:test']) assert.doesNotMatch(taskOutput(first.stdout, task), /Compiling/);
    assert.doesNotMatch(taskOutput(first.stdout, 'calc:test'), /passes_on_retry/);
    assert.match(taskOutput(first.stdout, 'calc:test'), /7 tests run: 7 passed/);
    assert.match(taskOutput(first.stdout, 'flaky:test'), /1 test run: 1 passed \(1 flaky\)/);
    const reports = Object.fromEntries(['calc', 'flaky'].map((crate) => [crate, ws.read(junitOf(crate))]));
    assert.deepEqual(testcases(reports.calc).length, 7);
    assert.ok(testcases(reports.calc).every((name) => name.startsWith('calc')), testcases(reports.calc).join(' '));
    assert.deepEqual(testcases(reports.flaky), ['flaky::tests::passes_on_retry']);
    for (const crate of ['calc', 'flaky']) rmSync(join(ws.root, junitOf(crate)));
    const again = nxOk(args, flakyEnv());
    assert.match(again.stdout, /Nx read the output from the cache instead of running the command for 2 out of 2 tasks/);
    for (const crate of ['calc', 'flaky']) assert.equal(ws.read(junitOf(crate)), reports[crate], `${crate}'s report, restored`);
  });

  it('--partition count:1/2 and count:2/2 together run every test of a crate exactly once', () => {
    const run = (...extra) => {
      rmSync(join(ws.root, junitOf('calc')), { force: true });
      nxOk(['test', 'calc', '--skip-nx-cache', '--batch=false', ...extra]);
      return testcases(ws.read(junitOf('calc')));
    };
    const all = run();
    const first = run('--partition=count:1/2');
    const second = run('--partition=count:2/2');
    assert.equal(all.length, 7);
    // Negative control for the pass-through: a part alone is a strict, non-empty subset.
    assert.ok(first.length > 0 && first.length < all.length, `count:1/2 ran ${first}`);
    assert.deepEqual(first.filter((name) => second.includes(name)), [], 'no test in both parts');
    assert.deepEqual([...first, ...second].sort(), all, 'every test in one of the parts');
  });

  it('says how to get cargo-nextest when it is missing', () => {
    const result = nx(['test', 'calc', '--skip-nx-cache', '--batch=false'], { PATH: '/usr/bin:/bin', CARGO_HOME: join(scratch, 'no-cargo-home') });
    assert.notEqual(result.status, 0);
    assert.match(result.output, /cargo-nextest is not installed: install it \(`cargo install cargo-nextest --locked`/);
  });
});
