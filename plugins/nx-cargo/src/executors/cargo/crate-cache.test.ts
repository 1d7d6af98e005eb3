import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    assert.deepEqual([cache.kind, cache.env], ['kache', { RUSTC_WRAPPER: join(bin, 'kache') }]);
  });

  it('counts kache report events as the built-in ones', () => {
    const report = JSON.stringify({ all_events: [{ crate_name: 'a', result: 'local_hit' }, { crate_name: 'b', result: 'remote_hit' }, { crate_name: 'c', result: 'miss' }, { crate_name: 'd', result: 'passthrough' }] });
    assert.equal(summarize(parseKacheReport(report)), 'crate cache: 2 restored (1 from remote), 1 compiled, 1 passed through');
    assert.equal(summarize([]), undefined);
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
});
