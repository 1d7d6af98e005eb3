import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseKacheReport, setUpCrateCache, summarize, type UnitEvent } from './crate-cache.js';

const NO_KACHE = { PATH: '/nonexistent', HOME: '/tmp' };

describe('choosing the crate cache', () => {
  it('never replaces or clears a RUSTC_WRAPPER the user set, and says so when asked for another', async () => {
    for (const option of ['auto', 'off', 'builtin', 'kache'] as const) {
      const cache = await setUpCrateCache(option, '/w', { ...NO_KACHE, RUSTC_WRAPPER: 'sccache' });
      assert.deepEqual([cache.kind, cache.env], ['user', {}], option);
    }
    assert.match((await (await setUpCrateCache('builtin', '/w', { ...NO_KACHE, RUSTC_WRAPPER: 'sccache' })).summary()) ?? '', /your RUSTC_WRAPPER \(sccache\) stays/);
    assert.equal((await setUpCrateCache('off', '/w', { ...NO_KACHE, CARGO_BUILD_RUSTC_WRAPPER: 'x' })).kind, 'user');
  });

  it('auto without kache is the built-in wrapper; off adds nothing; kache missing is an error naming the fix', async () => {
    const builtin = await setUpCrateCache('auto', '/w', NO_KACHE);
    assert.equal(builtin.kind, 'builtin');
    assert.ok(existsSync(builtin.env.RUSTC_WRAPPER), builtin.env.RUSTC_WRAPPER);
    assert.equal(builtin.env.NX_CARGO_CRATE_CACHE_WORKSPACE, '/w');
    assert.deepEqual((await setUpCrateCache('off', '/w', NO_KACHE)).env, {});
    await assert.rejects(setUpCrateCache('kache', '/w', NO_KACHE), /kache` is not on PATH: install kache, or set the crateCache option/);
  });

  it("with kache, kache's own remote settings reach it untouched, and ours are not translated into them", async (t) => {
    const bin = mkdtempSync(join(tmpdir(), 'fake-kache-'));
    t.after(() => rmSync(bin, { recursive: true, force: true }));
    writeFileSync(join(bin, 'kache'), '#!/bin/sh\n');
    chmodSync(join(bin, 'kache'), 0o755);
    const env = { PATH: bin, HOME: '/tmp', KACHE_CONFIG: '/ci/kache.toml', KACHE_S3_REGION: 'eu-west-1', NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'ours' };
    const cache = await setUpCrateCache('kache', '/w', env);
    // cargo gets the task's environment plus this: KACHE_* as the user set them, nothing of ours.
    assert.deepEqual([cache.kind, Object.keys(cache.env).sort(), cache.env.RUSTC_WRAPPER], ['kache', ['KACHE_EVENT_ROOT', 'RUSTC_WRAPPER'], join(bin, 'kache')]);
  });

  it('splits restores into local and remote with bytes and time, and says what the remote rejected, failed or uploaded', () => {
    const units: UnitEvent[] = [
      { crate: 'a', outcome: 'restored' },
      { crate: 'b', outcome: 'restored', remote: { bytes: 40_000_000, ms: 1500 } },
      { crate: 'c', outcome: 'restored', remote: { bytes: 21_000_000, ms: 600 } },
      { crate: 'd', outcome: 'compiled' },
    ];
    assert.equal(summarize(units), 'crate cache: 3 restored (2 from remote, 61 MB in 2.1 s), 1 compiled, 0 passed through');
    const rejected: UnitEvent = { crate: 'd', outcome: 'rejected', reason: 'remote record rejected: record is signed by key abc…, which is not trusted' };
    const failed = (reason: string): UnitEvent => ({ outcome: 'remote failed', reason });
    assert.equal(
      summarize([...units, rejected, failed('remote call failed: list x: HTTP 500'), failed('remote skipped for the rest of this run after 3 failed calls (last: list x: HTTP 500)')]),
      'crate cache: 3 restored (2 from remote, 61 MB in 2.1 s), 1 compiled, 0 passed through; 1 remote record rejected (record is signed by key abc…, which is not trusted); remote skipped for the rest of this run after 3 failed calls (last: list x: HTTP 500)',
    );
    assert.equal(summarize([{ outcome: 'compiled' }, failed('remote call failed: read y: timed out')]), 'crate cache: 0 restored, 1 compiled, 0 passed through; 1 remote call failed (read y: timed out)');
    assert.equal(
      summarize([{ outcome: 'compiled' }, { outcome: 'uploaded', remote: { bytes: 3_500_000, ms: 250 } }, { outcome: 'not uploaded', reason: 'a record for this key is already on the remote; records are never overwritten' }]),
      'crate cache: 0 restored, 1 compiled, 0 passed through; 1 uploaded to the remote (3.5 MB in 0.3 s); 1 not uploaded (a record for this key is already on the remote; records are never overwritten)',
    );
  });

  it('counts the units of a kache report as kache\'s own summary does', () => {
    // Shaped as kache 2.0.0 writes `kache report --format json` (fields trimmed to those read).
    const trace = (ts: number, crate_name: string, result: string, reason = 'unknown', package_?: string) => ({ ph: 'X', ts, args: { crate_name, result, reason, ...(package_ ? { package: package_ } : {}) } });
    const report = {
      summary: { local_hits: 2, prefetch_hits: 1, remote_hits: 1, dups: 1, misses: 3, errors: 1, passthroughs: 1, probes: 2, skipped: 1, store_failures: 1 },
      traceEvents: [
        { ph: 'M', name: 'process_name', args: { name: 'kache' } },
        trace(1_000_000, 'unknown', 'passthrough', 'not-a-compile|query / probe (--print, -vV)'),
        trace(1_000_100, '___', 'passthrough', 'not-a-compile|query / probe (--print, -vV)'),
        trace(1_001_000, 'build_script_build', 'miss'),
        trace(1_002_000, 'build_script_run', 'miss', 'unknown', 'gen'),
        trace(1_003_000, 'words', 'local_hit'),
        trace(1_003_000, 'my_crate', 'local_hit'),
        trace(1_004_000, 'serde', 'prefetch_hit'),
        trace(1_004_000, 'syn', 'remote_hit'),
        trace(1_005_000, 'app', 'miss'),
        trace(1_005_000, 'itoa', 'dup'),
        trace(1_006_000, 'probe', 'passthrough', 'unsupported|rustc build-script probe — not yet'),
        trace(1_007_000, 'libc', 'error', 'store unavailable'),
        trace(1_008_000, 'tiny', 'skipped', 'below min_store_compile_ms'),
      ],
      all_events: [{ crate_name: 'app', result: 'miss', start_unix_ms: 1005, store_error: 'disk full' }, { crate_name: 'words', result: 'local_hit', start_unix_ms: 1003 }],
    };
    const units = parseKacheReport(JSON.stringify(report));
    const { summary } = report;
    const count = (outcome: string) => units.filter((unit) => unit.outcome === outcome).length;
    assert.equal(count('restored'), summary.local_hits + summary.prefetch_hits + summary.remote_hits);
    assert.equal(count('compiled'), summary.misses + summary.dups);
    assert.equal(count('passed through'), summary.passthroughs);
    assert.equal(count('not cached'), summary.errors + summary.skipped + summary.store_failures);
    assert.equal(summarize(units), 'crate cache: 4 restored (1 from remote), 4 compiled, 1 passed through; 3 not cached (store unavailable)');
    // A root shared with other runs: only events from the run's start on.
    assert.equal(summarize(parseKacheReport(JSON.stringify(report), 1005)), 'crate cache: 0 restored, 2 compiled, 1 passed through; 3 not cached (store unavailable)');
    assert.equal(summarize([]), undefined);
  });

  it('gives kache an event root of the run\'s own below the workspace, unless the user set one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kache-root-'));
    const fake = join(dir, 'kache');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    const env = { PATH: dir, HOME: dir };
    try {
      const [a, b] = [await setUpCrateCache('kache', dir, env), await setUpCrateCache('kache', dir, env)];
      assert.equal(a.env.RUSTC_WRAPPER, fake);
      assert.ok(a.env.KACHE_EVENT_ROOT.startsWith(`${realpathSync(dir)}/.nx-cargo/kache-runs/`), a.env.KACHE_EVENT_ROOT);
      assert.notEqual(a.env.KACHE_EVENT_ROOT, b.env.KACHE_EVENT_ROOT);
      assert.deepEqual((await setUpCrateCache('kache', dir, { ...env, KACHE_EVENT_ROOT: '/mine' })).env, { RUSTC_WRAPPER: fake });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
