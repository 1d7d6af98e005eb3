// Scenarios for the built-in rustc cache, in the style of kache's e2e suite:
// fill a store with a cold build, then in a fresh copy of the workspace
// (another absolute path, no target dir) change one thing and assert
// exactly which units the real rustc compiled. Each scenario is then rerun
// with the cache off and with one key class left out, and must fail there.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cargo, cleanTarget, copyStore, freshWorkspace, newStore, runBinary, sorted } from './support/crate-cache-scenario.mjs';

const SEED_ARGS = ['build', '-p', 'app', '-p', 'whereami'];
const hasNightly = (() => {
  try {
    return cargo(freshWorkspace(), { args: ['--version'], cache: 'off', toolchain: 'nightly' }) && true;
  } catch {
    return false;
  }
})();

/**
 * expected: the labels that must compile, or 'new-argv': exactly the units
 * whose argv (roots replaced) the seed build never used, or 'all'.
 * omit: the key classes whose absence must turn the scenario into a lie.
 */
const SCENARIOS = [
  { name: 'warm after clean, same checkout', sameCheckout: true, expected: [], omit: null },
  { name: 'relocated copy with a fresh target dir', expected: [], omit: null },
  { name: 'another target dir', env: (ws) => ({ CARGO_TARGET_DIR: join(ws, 'elsewhere') }), expected: [], omit: null },
  { name: 'edit a source file', change: (ws) => appendFileSync(join(ws, 'crates/words/src/lib.rs'), '\npub fn more() {}\n'), expected: ['words/words', 'app/app'], omit: 'source' },
  {
    name: 'add a module file',
    change: (ws) => {
      writeFileSync(join(ws, 'crates/words/src/extra.rs'), 'pub fn extra() {}\n');
      appendFileSync(join(ws, 'crates/words/src/lib.rs'), '\npub mod extra;\n');
    },
    expected: ['words/words', 'app/app'],
    omit: 'source',
  },
  { name: 'change a file read by include_str!', change: (ws) => appendFileSync(join(ws, 'data/words.txt'), 'delta\n'), expected: ['words/words', 'app/app'], omit: 'source' },
  { name: 'change the value of a variable read by env!', env: () => ({ APP_MODE: 'prod' }), expected: ['mode/mode', 'app/app'], omit: 'env-dep' },
  { name: 'change what a build script emits', env: () => ({ GEN_VALUE: '2' }), expected: ['gen/gen', 'app/app'], omit: 'source' },
  { name: 'toggle a feature', args: ['build', '-p', 'app', '--features', 'feat/extra'], expected: 'new-argv', omit: 'cfg,codegen' },
  { name: 'change RUSTFLAGS', env: () => ({ RUSTFLAGS: '--cfg nx_cache_test' }), expected: 'new-argv', omit: 'cfg,env,codegen' },
  { name: "change the profile's opt-level", env: () => ({ CARGO_PROFILE_DEV_OPT_LEVEL: '1' }), expected: 'new-argv', omit: 'codegen' },
  { name: '--release', args: ['build', '-p', 'app', '--release'], expected: 'new-argv', omit: 'codegen,argv' },
  { name: 'another toolchain (nightly)', toolchain: 'nightly', expected: 'all', omit: 'toolchain,codegen', skip: !hasNightly && 'no nightly toolchain installed' },
  { name: 'CARGO_MANIFEST_DIR as a runtime value, relocated', args: SEED_ARGS, expected: ['whereami/whereami'], omit: 'env-dep' },
];

const seeds = new Map();
/** A store filled by one cold build (per omitted class: keys without it differ). */
function seedStore(omit = '') {
  if (!seeds.has(omit)) {
    const store = newStore();
    const workspace = freshWorkspace();
    const cold = cargo(workspace, { args: SEED_ARGS, store, omit });
    seeds.set(omit, { store, workspace, cold });
  }
  const seed = seeds.get(omit);
  const copy = mkdtempSync(join(tmpdir(), 'crate-cache-store-'));
  copyStore(seed.store, copy);
  return { ...seed, store: copy };
}

/**
 * Runs one scenario and says whether it held: the change compiles exactly
 * the expected units, and a rebuild after `rm -rf target` compiles none.
 */
function runScenario(scenario, { cache = 'builtin', omit = '' } = {}) {
  const seed = seedStore(cache === 'off' ? '' : omit);
  const workspace = scenario.sameCheckout ? seed.workspace : freshWorkspace();
  cleanTarget(workspace);
  scenario.change?.(workspace);
  const options = { args: scenario.args ?? ['build', '-p', 'app'], env: scenario.env?.(workspace) ?? {}, cache, store: seed.store, omit, toolchain: scenario.toolchain };
  let changed;
  try {
    changed = cargo(workspace, options);
  } catch (error) {
    return { held: false, problems: [error.message.split('\n').slice(0, 8).join('\n')], workspace, options };
  }
  const seen = new Set(seed.cold.requested.values());
  const expected =
    scenario.expected === 'all' ? [...changed.requested.keys()]
    : scenario.expected === 'new-argv' ? [...changed.requested].filter(([, argv]) => !seen.has(argv)).map(([label]) => label)
    : scenario.expected;
  const problems = [];
  if (scenario.expected !== 'all' && scenario.expected.length !== 0 && expected.length === 0) problems.push('the change reached no unit');
  if (sorted(changed.compiled).join() !== sorted(expected).join()) problems.push(`compiled ${sorted(changed.compiled).join(' ') || 'nothing'}, expected ${sorted(expected).join(' ') || 'nothing'}`);
  cleanTarget(workspace);
  let again;
  try {
    again = cargo(workspace, options);
  } catch (error) {
    return { held: false, problems: [...problems, error.message.split('\n').slice(0, 8).join('\n')], workspace, options };
  }
  if (again.compiled.size > 0) problems.push(`rebuild after clean compiled ${sorted(again.compiled).join(' ')}`);
  return { held: problems.length === 0, problems, changed, workspace, options };
}

describe('crate cache scenarios (real cargo, built-in wrapper)', { concurrency: false }, () => {
  let cold;
  before(() => {
    cold = seedStore();
  });
  after(() => seeds.clear());

  test('cold: every unit cargo asks for is compiled once and the app runs', () => {
    assert.ok(cold.cold.requested.size >= 10, `units: ${[...cold.cold.requested.keys()]}`);
    assert.deepEqual(sorted(cold.cold.compiled), sorted(cold.cold.requested.keys()));
    assert.match(runBinary(cold.workspace), /3 words, first space at 5, mode dev, value 1, plain\nLOUD/);
  });

  for (const scenario of SCENARIOS) {
    test(scenario.name, { skip: scenario.skip }, (t) => {
      const outcome = runScenario(scenario);
      assert.ok(outcome.held, outcome.problems.join('\n'));
      if (!scenario.args && !scenario.toolchain && !scenario.env?.(outcome.workspace)?.CARGO_TARGET_DIR) {
        // Restored artifacts are the real thing: the program built from them runs and sees this change.
        assert.match(runBinary(outcome.workspace), /words, first space at \d+, mode \w+, value \d+, plain\nLOUD/);
      }
      const off = runScenario(scenario, { cache: 'off' });
      assert.equal(off.held, false, 'negative control: with the cache off the scenario must fail');
      t.diagnostic(`cache off: ${off.problems.join('; ')}`);
      if (scenario.omit) {
        const weak = runScenario(scenario, { omit: scenario.omit });
        assert.equal(weak.held, false, `negative control: without ${scenario.omit} in the key the scenario must fail`);
        t.diagnostic(`without ${scenario.omit}: ${weak.problems.join('; ')}`);
      }
    });
  }
});
