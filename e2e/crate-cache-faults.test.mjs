// Faults for the built-in rustc cache with real cargo: builds racing on one
// store, and a damaged blob. Each has a negative control.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { CACHE_CLI, cargo, cargoAsync, cleanTarget, freshWorkspace, newStore, runBinary, sorted } from './support/crate-cache-scenario.mjs';

/** How many times each unit was compiled across several runs. */
function compileCounts(runs) {
  const counts = new Map();
  for (const run of runs) for (const label of run.compiledList) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

async function racingBuilds(cache) {
  const store = newStore();
  const runs = await Promise.all([1, 2, 3, 4].map(() => cargoAsync(freshWorkspace(), { store, cache })));
  return { runs, counts: compileCounts(runs) };
}

test('4 cargo builds racing on one store all succeed and compile each unit once', async () => {
  const { runs, counts } = await racingBuilds('builtin');
  for (const run of runs) assert.match(runBinary(run.workspace), /3 words/);
  assert.ok(counts.size >= 10, `units: ${sorted(counts.keys())}`);
  const repeated = [...counts].filter(([, n]) => n !== 1);
  assert.deepEqual(repeated, [], 'every unit compiled exactly once across the four builds');

  // Negative control: without the cache every build compiles every unit.
  const off = await racingBuilds('off');
  assert.notDeepEqual([...off.counts].filter(([, n]) => n !== 1), [], 'with the cache off units compile more than once');
});

/** The blob behind one stored output of a crate, found through its entry record. */
function blobOf(store, crate, suffix) {
  const entriesDir = join(store, 'entries');
  for (const shard of readdirSync(entriesDir)) {
    for (const name of readdirSync(join(entriesDir, shard))) {
      const entry = JSON.parse(readFileSync(join(entriesDir, shard, name), 'utf8'));
      if (entry.crateName !== crate) continue;
      const file = entry.files.find((f) => f.name.endsWith(suffix));
      if (file) return join(store, 'blobs', file.blob.slice(0, 2), file.blob.slice(2));
    }
  }
  throw new Error(`no ${suffix} stored for ${crate}`);
}

function damagedRebuild(damage, cache = 'builtin') {
  const store = newStore();
  const workspace = freshWorkspace();
  cargo(workspace, { store, cache });
  if (cache === 'builtin') damage(blobOf(store, 'words', '.rlib'));
  cleanTarget(workspace);
  const rebuild = cargo(workspace, { store, cache });
  const stats = JSON.parse(execFileSync(process.execPath, [CACHE_CLI, 'stats', '--json'], { env: { ...process.env, NX_CARGO_CRATE_CACHE_DIR: store }, encoding: 'utf8' }));
  return { rebuild, stats, workspace };
}

const DAMAGES = {
  truncated: (blob) => truncateSync(blob, 100),
  altered: (blob) => {
    chmodSync(blob, 0o644);
    const bytes = readFileSync(blob);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(blob, bytes);
  },
};

for (const [kind, damage] of Object.entries(DAMAGES)) {
  test(`a stored blob that was ${kind} is detected, recompiled and reported`, () => {
    const { rebuild, stats, workspace } = damagedRebuild(damage);
    assert.deepEqual(sorted(rebuild.compiled), ['words/words'], 'only the damaged unit compiles; its dependents get the same bytes back');
    assert.equal(stats.events.damaged, 1);
    assert.match(runBinary(workspace), /3 words/);

    // Negative control: with the cache off nothing is detected or reported.
    const off = damagedRebuild(damage, 'off');
    assert.notDeepEqual(sorted(off.rebuild.compiled), ['words/words']);
  });
}

test('without the server (the native client falls back to the Node wrapper), a warm build restores every unit', () => {
  const store = newStore();
  const env = { NX_CARGO_CRATE_CACHE_SERVER: 'off' };
  const cold = cargo(freshWorkspace(), { store, env });
  const workspace = freshWorkspace();
  const warm = cargo(workspace, { store, env });
  assert.ok(cold.compiled.size >= 10);
  assert.deepEqual(sorted(warm.compiled), []);
  assert.match(runBinary(workspace), /3 words/);

  // Negative control: the same two builds with the cache off compile everything twice.
  const off = cargo(freshWorkspace(), { cache: 'off', env });
  assert.notDeepEqual(sorted(off.compiled), []);
});

function cli(store, ...args) {
  return execFileSync(process.execPath, [CACHE_CLI, ...args], { env: { ...process.env, NX_CARGO_CRATE_CACHE_DIR: store }, encoding: 'utf8' });
}

test('why-miss names the input that changed; gc and clear empty the store', () => {
  const store = newStore();
  const workspace = freshWorkspace();
  cargo(workspace, { store });
  cleanTarget(workspace);
  const changed = cargo(workspace, { store, env: { APP_MODE: 'prod' } });
  assert.deepEqual(sorted(changed.compiled), ['app/app', 'mode/mode']);
  assert.match(cli(store, 'why-miss', 'mode'), /env-dep APP_MODE: dev -> prod/);
  const json = JSON.parse(cli(store, 'why-miss', 'mode', '--json'));
  assert.match(json.events.at(-1).reason, /APP_MODE/);

  // Negative control: with env-dep values left out of the key the unit is served stale and nothing names the variable.
  const weak = newStore();
  const weakWorkspace = freshWorkspace();
  cargo(weakWorkspace, { store: weak, omit: 'env-dep' });
  cleanTarget(weakWorkspace);
  assert.deepEqual(sorted(cargo(weakWorkspace, { store: weak, omit: 'env-dep', env: { APP_MODE: 'prod' } }).compiled), []);
  assert.doesNotMatch(cli(weak, 'why-miss', 'mode'), /APP_MODE/);

  const before = JSON.parse(cli(store, 'stats', '--json'));
  assert.ok(before.entries > 0);
  const gc = JSON.parse(cli(store, 'gc', '--max-size', '0', '--json'));
  assert.equal(gc.removedEntries, before.entries);
  cleanTarget(workspace);
  assert.ok(cargo(workspace, { store }).compiled.size >= 10, 'after gc every unit compiles again');
  cli(store, 'clear');
  assert.equal(JSON.parse(cli(store, 'stats', '--json')).entries, 0);
});
