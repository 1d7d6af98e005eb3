import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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

  it('counts kache report events as the built-in ones', () => {
    const report = JSON.stringify({ all_events: [{ crate_name: 'a', result: 'local_hit' }, { crate_name: 'b', result: 'remote_hit' }, { crate_name: 'c', result: 'miss' }, { crate_name: 'd', result: 'passthrough' }] });
    assert.equal(summarize(parseKacheReport(report)), 'crate cache: 2 restored, 1 compiled, 1 passed through');
    assert.equal(summarize([]), undefined);
  });
});
