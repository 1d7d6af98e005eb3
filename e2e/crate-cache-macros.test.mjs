// What proc macros read, which rustc's dep-info does not record, under the
// built-in crate cache with real cargo (e2e/fixtures/macro-reads, witnesses
// of e2e/support/crate-cache-scenario.mjs). Each scenario starts in a fresh
// copy (another absolute path, no target dir) against a store a cold build
// filled, changes one thing and asserts which units the real rustc
// compiled and what the binary prints; a rebuild after `rm -rf target` then
// compiles nothing. Negative control: with the recording switched off
// (test-only), exactly the rows that need it fail.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CACHE_CLI, cargo, cleanTarget, copyStore, freshWorkspace, newStore, sorted } from './support/crate-cache-scenario.mjs';

const FIXTURE = 'macro-reads';
const RECORDING_OFF = { NX_CARGO_CRATE_CACHE_TEST_RECORD: 'off' };

/**
 * expected: the units the real rustc must compile; output: what the app
 * must print; uncacheable: the unit compiles on every build.
 */
const SCENARIOS = [
  { name: 'nothing changed, same store', expected: [], output: /greeting: hello \/ hello from the file\nassets: one.txt,two.txt/ },
  { name: 'a variable a proc macro reads', env: { APP_GREETING: 'bonjour' }, expected: ['app/app'], output: /greeting: bonjour \//, needsRecording: true },
  { name: 'a file a proc macro reads', change: (ws) => writeFileSync(join(ws, 'data/greeting.txt'), 'edited text\n'), expected: ['app/app'], output: /greeting: hello \/ edited text/, needsRecording: true },
  { name: 'a new file in a folder a proc macro lists', change: (ws) => writeFileSync(join(ws, 'data/assets/three.txt'), '3\n'), expected: ['app/app'], output: /assets: one.txt,three.txt,two.txt/, needsRecording: true },
  { name: 'a variable no macro reads', env: { UNRELATED_VARIABLE: 'x' }, expected: [], output: /greeting: hello/ },
];

const seeds = new Map();
/** A store filled by one cold build of app and runner (per recording mode), copied for each scenario. */
function seededStore(env) {
  const mode = JSON.stringify(env);
  if (!seeds.has(mode)) {
    const store = newStore();
    const workspace = freshWorkspace(FIXTURE);
    cargo(workspace, { store, env, args: ['build', '-p', 'app', '-p', 'runner'] });
    seeds.set(mode, store);
  }
  const copy = mkdtempSync(join(tmpdir(), 'crate-cache-macros-store-'));
  copyStore(seeds.get(mode), copy);
  return copy;
}

function runScenario(scenario, modeEnv = {}) {
  const store = seededStore(modeEnv);
  const workspace = freshWorkspace(FIXTURE);
  scenario.change?.(workspace);
  const env = { ...modeEnv, ...scenario.env };
  const problems = [];
  const changed = cargo(workspace, { store, env });
  if (sorted(changed.compiled).join() !== sorted(scenario.expected).join()) problems.push(`compiled ${sorted(changed.compiled).join(' ') || 'nothing'}, expected ${scenario.expected.join(' ') || 'nothing'}`);
  const printed = execFileSync(join(workspace, 'target/debug/app'), { encoding: 'utf8' });
  if (!scenario.output.test(printed)) problems.push(`the app printed a stale value:\n${printed}`);
  cleanTarget(workspace);
  const again = cargo(workspace, { store, env });
  if (again.compiled.size > 0) problems.push(`rebuild after clean compiled ${sorted(again.compiled).join(' ')}`);
  return { held: problems.length === 0, problems };
}

describe('proc macro reads under the crate cache (real cargo)', { concurrency: false }, () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, (t) => {
      const outcome = runScenario(scenario);
      assert.ok(outcome.held, outcome.problems.join('\n'));
      const unrecorded = runScenario(scenario, RECORDING_OFF);
      if (scenario.needsRecording) {
        assert.equal(unrecorded.held, false, 'negative control: without the recording the change must be served stale');
        t.diagnostic(`recording off: ${unrecorded.problems.join('; ')}`);
      } else {
        assert.ok(unrecorded.held, `rows that need no recording hold without it too: ${unrecorded.problems.join('; ')}`);
      }
    });
  }

  test('a proc macro that runs a program: the unit compiles every time, and why-miss says why', () => {
    const whyMiss = (store) => execFileSync(process.execPath, [CACHE_CLI, 'why-miss', 'runner'], { env: { ...process.env, NX_CARGO_CRATE_CACHE_DIR: store }, encoding: 'utf8' });
    const store = seededStore({});
    const workspace = freshWorkspace(FIXTURE);
    const first = cargo(workspace, { store, args: ['build', '-p', 'runner'] });
    assert.deepEqual(sorted(first.compiled), ['runner/runner']);
    assert.match(execFileSync(join(workspace, 'target/debug/runner'), { encoding: 'utf8' }), /shell: from-shell/);
    assert.match(whyMiss(store), /runner passthrough: not cacheable: proc macro greet_macros runs `sh -c echo from-shell`/);
    // Negative control: unrecorded, the unit is stored and served, whatever the program would print now.
    const unrecordedStore = seededStore(RECORDING_OFF);
    const unrecorded = cargo(freshWorkspace(FIXTURE), { store: unrecordedStore, env: RECORDING_OFF, args: ['build', '-p', 'runner'] });
    assert.deepEqual(sorted(unrecorded.compiled), []);
  });

  test('a second checkout at another path: nothing compiles where nothing changed', () => {
    const store = seededStore({});
    const workspace = freshWorkspace(FIXTURE);
    appendFileSync(join(workspace, 'README.md'), 'a file no one reads\n');
    assert.deepEqual(sorted(cargo(workspace, { store }).compiled), []);
  });
});
