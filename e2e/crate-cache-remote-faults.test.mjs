// A remote that is down, hangs, answers 500 to everything, cuts downloads
// short, or has lost its blobs is never worse than no remote: machine B's
// build (e2e/fixtures/crate-cache, reading an S3 remote that machine A
// filled, behind a fault proxy on 127.0.0.1) succeeds, compiles what it
// cannot restore, runs the right binary, and its event log says what went
// wrong; after 3 failed calls the remote is skipped for the rest of the
// run, said once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cargo, freshWorkspace, newStore, runBinary, sorted } from './support/crate-cache-scenario.mjs';
import { Bucket, closedPort, flushStore, remoteEnv, startFaultProxy, startRemote, storeEvents, TRUSTED } from './support/remote-cache.mjs';

const GENUINE = /3 words, first space at 5, mode dev, value 1, plain\nLOUD/;
const SKIPPED = /^remote skipped for the rest of this run after 3 failed calls \(last: /;

describe('a faulty remote never fails a build nor serves a wrong artifact', { concurrency: false }, () => {
  let remote;
  let bucket;
  let units;
  let sessions = 0;

  before(async () => {
    remote = await startRemote();
    if (remote.skip) return;
    bucket = await Bucket.create(remote.endpoint, 'faults');
    const store = newStore();
    const a = cargo(freshWorkspace(), { store, env: { ...remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, signWith: TRUSTED }), NX_CARGO_CRATE_CACHE_SESSION: 'a' } });
    await flushStore(store);
    units = sorted(a.compiled);
  });
  after(() => remote?.stop());

  /** B through `endpoint`: everything compiled, the right binary; returns the run's remote messages. */
  function machineB(endpoint, extra = {}) {
    const session = `b-${++sessions}`;
    const store = newStore();
    const workspace = freshWorkspace();
    const run = cargo(workspace, { store, env: { ...remoteEnv({ endpoint, bucket: bucket.name, extra }), NX_CARGO_CRATE_CACHE_SESSION: session } });
    assert.deepEqual(sorted(run.compiled), units, 'B compiled every unit itself');
    assert.match(runBinary(workspace), GENUINE);
    const events = storeEvents(store, session);
    assert.deepEqual(events.filter((event) => event.result === 'hit'), []);
    const reasons = (result) => events.filter((event) => event.result === result).map((event) => event.reason);
    return { failed: reasons('remote-error').filter((reason) => !SKIPPED.test(reason)), skipped: reasons('remote-error').filter((reason) => SKIPPED.test(reason)), rejected: reasons('rejected') };
  }

  /** At least 3 failed calls, each matching `pattern` (a call or two already in flight may fail after the third), then one line. */
  function assertSkippedAfterFailures(messages, pattern) {
    assert.ok(messages.failed.length >= 3 && messages.failed.length <= 5, messages.failed.join('\n'));
    for (const reason of messages.failed) assert.match(reason, pattern);
    assert.equal(messages.skipped.length, 1, messages.skipped.join('\n'));
  }

  it('negative control: through the proxy with no fault injected, B restores every unit and the fault assertions fail', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const proxy = await startFaultProxy(remote.endpoint, 'pass');
    t.after(() => proxy.stop());
    assert.throws(() => machineB(proxy.endpoint), /B compiled every unit itself/);
  });

  it('remote down (nothing listens): connection refused, then skipped', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const messages = machineB(`http://127.0.0.1:${await closedPort()}`);
    assertSkippedAfterFailures(messages, /^remote call failed: list s3:\/\/faults\/crates\/v1\/records\/[0-9a-f]+\/: .*ECONNREFUSED/);
  });

  it('remote hanging (accepts, never answers): each call times out, then skipped', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const proxy = await startFaultProxy(remote.endpoint, 'hang');
    t.after(() => proxy.stop());
    const started = Date.now();
    const messages = machineB(proxy.endpoint, { NX_CARGO_CRATE_CACHE_REMOTE_TIMEOUT_MS: '1000' });
    assertSkippedAfterFailures(messages, /^remote call failed: list .*: .*timed out after 1000 ms/);
    assert.ok(Date.now() - started < 60_000, 'the timeouts bound the wait');
  });

  it('5xx on every call: the status is said, then skipped', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const proxy = await startFaultProxy(remote.endpoint, 'status-500');
    t.after(() => proxy.stop());
    assertSkippedAfterFailures(machineB(proxy.endpoint), /^remote call failed: list .*: HTTP 500 InternalError$/);
  });

  it('downloads cut short: the broken transfer is said, nothing half-downloaded is used, then skipped', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const proxy = await startFaultProxy(remote.endpoint, 'truncate-blobs');
    t.after(() => proxy.stop());
    assertSkippedAfterFailures(machineB(proxy.endpoint), /^remote call failed: read v1\/blobs\/[0-9a-f]{64}: the transfer broke off \(aborted\)$/);
  });

  it('records whose blobs are missing: each is rejected as incomplete, the remote stays in use', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    for (const name of await bucket.list('v1/blobs/')) await bucket.delete(name);
    const messages = machineB(remote.endpoint);
    assert.deepEqual(messages.failed, []);
    assert.deepEqual(messages.skipped, []);
    assert.equal(messages.rejected.length, units.length);
    for (const reason of messages.rejected) assert.match(reason, /^remote entry rejected: blob [0-9a-f]{64} of \S+ is missing on the remote$/);
  });
});
