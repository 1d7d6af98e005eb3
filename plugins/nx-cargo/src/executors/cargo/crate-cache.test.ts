import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseKacheReport, setUpCrateCache, summarize } from './crate-cache.js';

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
    assert.equal(summarize(units), 'crate cache: 4 restored, 4 compiled, 1 passed through; 3 not cached (store unavailable)');
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
