// Scenarios for a rustc cache, in the style of kache's e2e suite: fill a
// store with a cold build, then in a fresh copy of the workspace (another
// absolute path, no target dir) change one thing and assert exactly which
// units the real rustc compiled. They run for the built-in cache and for the
// real kache through the plugin's `crateCache: kache`. Each scenario is then
// rerun with the cache off (built-in: also with one key class left out;
// kache: KACHE_DISABLED=1), and must fail there.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireKache } from '../tools/support/kache.mjs';
import { otherToolchain } from '../tools/support/other-toolchain.mjs';
import { cargo, cargoThroughKache, cleanTarget, copyStore, freshWorkspace, newStore, runBinary, runUnderKache, setUpKache, sorted, stopKacheDaemon } from './support/crate-cache-scenario.mjs';

const SEED_ARGS = ['build', '-p', 'app', '-p', 'whereami'];

/**
 * expected: the labels that must compile, or 'new-argv': exactly the units
 * whose argv (roots replaced) the seed build never used, or 'all'.
 * omit: the key classes whose absence must turn the scenario into a lie.
 * kache: where the real kache does otherwise, what it compiles and why in a few words.
 */
const SCENARIOS = [
  { name: 'warm after clean, same checkout', sameCheckout: true, expected: [], omit: null },
  { name: 'relocated copy with a fresh target dir', expected: [], omit: null },
  {
    name: 'another target dir',
    env: (ws) => ({ CARGO_TARGET_DIR: join(ws, 'elsewhere') }),
    expected: [],
    omit: null,
    // kache remaps the workspace, not a target dir inside it: gen's rlib names <ws>/elsewhere/.../generated.rs (docs/kache.md).
    kache: { expected: ['gen/gen', 'app/app'], why: 'recompiles what includes OUT_DIR files' },
  },
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
  // A toolchain linked with rustup whose rustc reports another version (tools/support/other-toolchain.mjs).
  { name: 'another toolchain (rustc -vV differs)', toolchain: otherToolchain(), expected: 'all', omit: 'toolchain,codegen' },
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

/** Scenario runs under the built-in cache (`omit`: key classes left out), or with no cache ('off'). */
function builtin({ cache = 'builtin', omit = '' } = {}) {
  return {
    seed: async () => seedStore(cache === 'off' ? '' : omit),
    cargo: async (workspace, options) => cargo(workspace, { ...options, cache, omit }),
    dispose: () => {},
  };
}

/**
 * Scenario runs under the real kache through the plugin's `crateCache:
 * kache`, each scenario with a store of its own filled by a cold build.
 * `env` goes to the scenario's runs only (KACHE_DISABLED for the negative control).
 */
function kacheRuns(kache, env = {}) {
  const runner = {
    seed: async () => {
      const store = newStore();
      const workspace = freshWorkspace();
      try {
        return { store, workspace, cold: await cargoThroughKache(workspace, { args: SEED_ARGS, store, kache }) };
      } catch (error) {
        dispose(store);
        throw error;
      }
    },
    cargo: (workspace, options) => cargoThroughKache(workspace, { ...options, kache, env: { ...options.env, ...env } }),
    dispose: (seed) => dispose(seed.store),
  };
  /** The store's daemon stopped first: it holds the store open. */
  function dispose(store) {
    stopKacheDaemon(kache, store);
    rmSync(store, { recursive: true, force: true });
  }
  return runner;
}

/**
 * Runs one scenario and says whether it held: the change compiles exactly
 * the expected units (`expected` overrides the scenario's), and a rebuild
 * after `rm -rf target` compiles none. `runs`: every cargo run, seed first.
 */
async function runScenario(scenario, runner, expectedUnits = scenario.expected) {
  const seed = await runner.seed();
  try {
    const workspace = scenario.sameCheckout ? seed.workspace : freshWorkspace();
    cleanTarget(workspace);
    scenario.change?.(workspace);
    const options = { args: scenario.args ?? ['build', '-p', 'app'], env: scenario.env?.(workspace) ?? {}, store: seed.store, toolchain: scenario.toolchain };
    const runs = [seed.cold];
    const failed = (problems, error) => ({ held: false, problems: [...problems, error.message.split('\n').slice(0, 8).join('\n')], workspace, runs });
    let changed;
    try {
      changed = await runner.cargo(workspace, options);
    } catch (error) {
      return failed([], error);
    }
    runs.push(changed);
    const seen = new Set(seed.cold.requested.values());
    const expected =
      expectedUnits === 'all' ? [...changed.requested.keys()]
      : expectedUnits === 'new-argv' ? [...changed.requested].filter(([, argv]) => !seen.has(argv)).map(([label]) => label)
      : expectedUnits;
    const problems = [];
    if (expectedUnits !== 'all' && expectedUnits.length !== 0 && expected.length === 0) problems.push('the change reached no unit');
    if (sorted(changed.compiled).join() !== sorted(expected).join()) problems.push(`compiled ${sorted(changed.compiled).join(' ') || 'nothing'}, expected ${sorted(expected).join(' ') || 'nothing'}`);
    cleanTarget(workspace);
    if (options.env.CARGO_TARGET_DIR) rmSync(options.env.CARGO_TARGET_DIR, { recursive: true, force: true });
    let again;
    try {
      again = await runner.cargo(workspace, options);
    } catch (error) {
      return failed(problems, error);
    }
    runs.push(again);
    if (again.compiled.size > 0) problems.push(`rebuild after clean compiled ${sorted(again.compiled).join(' ')}`);
    return { held: problems.length === 0, problems, changed, workspace, runs };
  } finally {
    runner.dispose(seed);
  }
}

/** Restored artifacts are the real thing: the program built from them runs and sees this change. */
function checkProgram(scenario, workspace) {
  if (scenario.args || scenario.toolchain || scenario.env?.(workspace)?.CARGO_TARGET_DIR) return;
  assert.match(runBinary(workspace), /words, first space at \d+, mode \w+, value \d+, plain\nLOUD/);
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
    test(scenario.name, async (t) => {
      const outcome = await runScenario(scenario, builtin());
      assert.ok(outcome.held, outcome.problems.join('\n'));
      checkProgram(scenario, outcome.workspace);
      const off = await runScenario(scenario, builtin({ cache: 'off' }));
      assert.equal(off.held, false, 'negative control: with the cache off the scenario must fail');
      t.diagnostic(`cache off: ${off.problems.join('; ')}`);
      if (scenario.omit) {
        const weak = await runScenario(scenario, builtin({ omit: scenario.omit }));
        assert.equal(weak.held, false, `negative control: without ${scenario.omit} in the key the scenario must fail`);
        t.diagnostic(`without ${scenario.omit}: ${weak.problems.join('; ')}`);
      }
    });
  }
});

const LINE = /^crate cache: (\d+) restored, (\d+) compiled, (\d+) passed through(?:; (\d+) not cached)?/;

/**
 * The task's line says what kache's own report says for this cargo run
 * (its summary), and kache's report says what rustc did: its compiles, build
 * script runs aside, are the units the real rustc compiled.
 */
function checkLine(run) {
  const { summary, traceEvents } = run.report;
  if (run.line === undefined) {
    assert.equal(summary.total_crates + summary.passthroughs + summary.errors + summary.skipped, 0, `no crate cache line, but kache's summary ${JSON.stringify(summary)}`);
    return;
  }
  const match = LINE.exec(run.line);
  assert.ok(match, `no crate cache line: ${run.line}`);
  const [restored, compiled, passed, notCached] = match.slice(1).map((count) => Number(count ?? 0));
  assert.deepEqual(
    { restored, compiled, passed, notCached },
    { restored: summary.local_hits + summary.prefetch_hits + summary.remote_hits, compiled: summary.misses + summary.dups, passed: summary.passthroughs, notCached: summary.errors + summary.skipped + summary.store_failures },
    `${run.line} against kache's summary ${JSON.stringify(summary)}`,
  );
  const rustcCompiles = traceEvents.filter((event) => event.ph === 'X' && ['miss', 'dup'].includes(event.args.result) && event.args.crate_name !== 'build_script_run');
  assert.equal(rustcCompiles.length, run.compiledList.length, `kache's compiles ${rustcCompiles.map((event) => event.args.crate_name)} against rustc's ${run.compiledList}`);
}

describe('crate cache scenarios (real cargo, real kache through crateCache: kache)', { concurrency: false }, () => {
  const kache = requireKache();

  test('cold: every unit is compiled once, the app runs, and the task line is kache\'s report', async () => {
    const runner = kacheRuns(kache);
    const seed = await runner.seed();
    try {
      assert.deepEqual(sorted(seed.cold.compiled), sorted(seed.cold.requested.keys()));
      assert.match(runBinary(seed.workspace), /3 words, first space at 5, mode dev, value 1, plain\nLOUD/);
      checkLine(seed.cold);
      assert.match(seed.cold.line, /^crate cache: 0 restored, [1-9]\d* compiled/);
    } finally {
      runner.dispose(seed);
    }
  });

  /**
   * Two tasks set up at once in one workspace (their cargo runs then take
   * turns on cargo's lock): the second finds everything built by the first.
   * Returns both runs' lines.
   */
  async function overlapping(env = {}) {
    const store = newStore();
    const workspace = freshWorkspace();
    try {
      const first = await setUpKache(workspace, { store, kache, env });
      const second = await setUpKache(workspace, { store, kache, env });
      const a = await runUnderKache(first, workspace);
      const b = await runUnderKache(second, workspace);
      return { a, b };
    } finally {
      stopKacheDaemon(kache, store);
      rmSync(store, { recursive: true, force: true });
    }
  }

  test("a task's line counts its own cargo run only, also beside another task's run in the same workspace", async () => {
    const { a, b } = await overlapping();
    checkLine(a);
    assert.match(a.line, /^crate cache: 0 restored, [1-9]\d* compiled/);
    assert.equal(b.compiledList.length, 0);
    assert.equal(b.line, undefined, 'the second run had no unit to build, and says nothing');
    // Negative control: one event root for both (a KACHE_EVENT_ROOT the user set) tells the runs apart by time only.
    const shared = await overlapping({ KACHE_EVENT_ROOT: join(tmpdir(), 'nx-cargo-shared-root') });
    assert.equal(shared.b.line, shared.a.line, "with a shared root the second run's line repeats the first's units");
  });

  for (const scenario of SCENARIOS) {
    const expected = scenario.kache?.expected ?? scenario.expected;
    test(`${scenario.name}${scenario.kache ? ` (kache: ${scenario.kache.why})` : ''}`, async (t) => {
      const outcome = await runScenario(scenario, kacheRuns(kache), expected);
      assert.ok(outcome.held, outcome.problems.join('\n'));
      for (const run of outcome.runs) checkLine(run);
      checkProgram(scenario, outcome.workspace);
      const off = await runScenario(scenario, kacheRuns(kache, { KACHE_DISABLED: '1' }), expected);
      assert.equal(off.held, false, 'negative control: with KACHE_DISABLED=1 the scenario must fail');
      t.diagnostic(`KACHE_DISABLED=1: ${off.problems.join('; ')}`);
    });
  }
});
