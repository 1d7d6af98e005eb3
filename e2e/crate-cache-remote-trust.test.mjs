// CREEP (CVE-2025-36852) against the crate cache's remote: whoever holds
// the bucket's credentials (a pull request's CI job) plants an artifact for
// a key that main's builds look up. Here machine A (main, the trusted key)
// fills an S3 remote (moto on 127.0.0.1) from e2e/fixtures/crate-cache; an
// attacker builds the same workspace with app's main.rs changed to print
// PLANTED and plants that binary under the genuine key of app's unit:
// signed with an untrusted key, unsigned, as a swapped blob under A's own
// record, and through the writer, over A's record. Each time a fresh
// machine B (reading only) compiles app instead (the witness shows it),
// runs the genuine binary, and reports the rejection. Negative control:
// with signature checking off (test-only switch), B serves the planted binary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CACHE_CLI, cargo, freshWorkspace, newStore, runBinary, sorted } from './support/crate-cache-scenario.mjs';
import { Bucket, flushStore, RECORD_FORMAT, remoteEnv, signedRecord, startRemote, storeBlob, storeCandidate, storeEntries, storeEvents, STRANGER, TRUSTED } from './support/remote-cache.mjs';

const GENUINE = /3 words, first space at 5, mode dev, value 1, plain\nLOUD/;
const record = (baseKey, key) => `v1/records/${baseKey}/${key}.json`;

describe('a remote crate cache that cannot be poisoned', { concurrency: false }, () => {
  let remote;
  let bucket;
  /** The genuine unit of app's binary on A: key, base key, source set, and A's record as uploaded. */
  let genuine;
  /** The attacker's build of app's binary (prints PLANTED), from its own local store. */
  let planted;
  let sessions = 0;

  before(async () => {
    remote = await startRemote();
    if (remote.skip) return;
    bucket = await Bucket.create(remote.endpoint, 'trust');
    const a = freshWorkspace();
    const storeA = newStore();
    cargo(a, { store: storeA, env: { ...remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, signWith: TRUSTED }), NX_CARGO_CRATE_CACHE_SESSION: 'a' } });
    await flushStore(storeA);
    const entry = storeEntries(storeA).find((e) => e.crateName === 'app');
    genuine = { entry, candidate: storeCandidate(storeA, entry.baseKey, entry.key), text: await bucket.get(record(entry.baseKey, entry.key)) };

    // The attacker has the same sources (it can compute every key main will look up) and a changed app.
    const x = freshWorkspace();
    const storeX = newStore();
    const main = join(x, 'crates/app/src/main.rs');
    writeFileSync(main, readFileSync(main, 'utf8').replace('fn main() {', 'fn main() {\n    println!("PLANTED");'));
    cargo(x, { store: storeX });
    const entryX = storeEntries(storeX).find((e) => e.crateName === 'app');
    assert.equal(entryX.baseKey, entry.baseKey, 'the planted unit has the same base key');
    assert.notEqual(entryX.key, entry.key);
    planted = { store: storeX, entry: entryX, blobs: entryX.files.map((file) => ({ file, data: storeBlob(storeX, file.blob) })) };
  });
  after(() => remote?.stop());

  /** A record body for the genuine key whose entry is the attacker's app. */
  const plantedBody = () => ({
    key: genuine.entry.key,
    baseKey: genuine.entry.baseKey,
    candidate: genuine.candidate,
    entry: { ...planted.entry, key: genuine.entry.key, baseKey: genuine.entry.baseKey },
  });

  /** What an attacker with the bucket's credentials does: plain PUTs, over whatever is there. */
  async function plant(recordText) {
    for (const { file, data } of planted.blobs) await bucket.put(`v1/blobs/${file.blob}`, data);
    await bucket.put(record(genuine.entry.baseKey, genuine.entry.key), recordText);
  }

  /** A fresh machine B reading the remote: fresh checkout, empty store. */
  function machineB(extra = {}) {
    const session = `b-${++sessions}`;
    const store = newStore();
    const workspace = freshWorkspace();
    const run = cargo(workspace, { store, env: { ...remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, extra }), NX_CARGO_CRATE_CACHE_SESSION: session } });
    const events = storeEvents(store, session);
    const cli = (...args) => spawnSync(process.execPath, [CACHE_CLI, ...args], { env: { ...process.env, NX_CARGO_CRATE_CACHE_DIR: store }, encoding: 'utf8' }).stdout;
    return { run, events, whyMiss: cli('why-miss', 'app'), stats: cli('stats'), output: runBinary(workspace) };
  }

  /** B compiled app (and nothing else), runs the genuine binary, and said why it did not restore app. */
  function assertRejected(b, reason) {
    assert.deepEqual(sorted(b.run.compiled), ['app/app']);
    assert.match(b.output, GENUINE);
    assert.doesNotMatch(b.output, /PLANTED/);
    const rejected = b.events.filter((event) => event.result === 'rejected');
    assert.deepEqual(rejected.map((event) => [event.crateName, event.reason]), [['app', reason]]);
    assert.ok(b.whyMiss.includes(`app rejected: ${reason}`), b.whyMiss);
  }

  it('A filled the remote: B restores every unit, app included', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const b = machineB();
    assert.deepEqual(sorted(b.run.compiled), []);
    assert.match(b.output, GENUINE);
    const restored = b.events.filter((event) => event.result === 'hit').length;
    assert.match(b.stats, new RegExp(`restored ${restored} \\(${restored} from the remote, [\\d.]+ (B|KiB|MiB) in [\\d.]+ s\\), compiled 0,`));
  });

  it('a record signed by a key B does not trust: B compiles app and reports the rejection; with signature checking off it serves the planted binary', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    await plant(signedRecord(plantedBody(), STRANGER));
    t.after(() => bucket.put(record(genuine.entry.baseKey, genuine.entry.key), genuine.text));
    const reason = `remote record rejected: record is signed by key ${STRANGER.publicKey.slice(0, 12)}…, which is not trusted`;
    assertRejected(machineB(), reason);

    // Negative control: the same planted record with signature checking switched off (test-only).
    const control = machineB({ NX_CARGO_CRATE_CACHE_TEST_REMOTE_VERIFY: 'off' });
    assert.match(control.output, /^PLANTED\n/);
    assert.throws(() => assertRejected(control, reason));
  });

  it('an unsigned record: B compiles app and reports the rejection', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    await plant(JSON.stringify({ format: RECORD_FORMAT, body: JSON.stringify(plantedBody()) }));
    t.after(() => bucket.put(record(genuine.entry.baseKey, genuine.entry.key), genuine.text));
    assertRejected(machineB(), 'remote record rejected: record is not signed');
  });

  it("A's record with its blob swapped for the planted binary: B compiles app and reports the rejection", async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const binary = genuine.entry.files.find((file) => file.executable);
    const plantedBinary = planted.blobs.find(({ file }) => file.executable);
    const original = await bucket.get(`v1/blobs/${binary.blob}`);
    await bucket.put(`v1/blobs/${binary.blob}`, plantedBinary.data);
    t.after(() => bucket.put(`v1/blobs/${binary.blob}`, original));
    const b = machineB();
    assert.equal(b.events.filter((event) => event.result === 'rejected').length, 1);
    const reason = b.events.find((event) => event.result === 'rejected').reason;
    assert.match(reason, new RegExp(`^remote entry rejected: blob ${binary.blob} of \\{unit\\} does not match the record \\(`));
    assertRejected(b, reason);
  });

  it('an attempt to overwrite an existing key through the writer is refused, even with the trusted key; B restores the genuine app', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    // The attacker's store holds its app under the genuine key; storing it there is what makes the writer upload.
    const { CrateStore } = await import('../packages/crate-cache/dist/store/crate-store.js');
    const { remoteOption, flushRemoteUploads } = await import('../packages/crate-cache/dist/remote/index.js');
    const env = { ...remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, signWith: TRUSTED }), NX_CARGO_CRATE_CACHE_SESSION: 'overwrite' };
    const store = new CrateStore({ root: planted.store, ...remoteOption(env, planted.store) });
    const body = plantedBody();
    await store.writeEntry(body.entry);
    await store.addManifestCandidate(body.baseKey, body.candidate);
    await flushRemoteUploads('overwrite');
    assert.deepEqual(
      storeEvents(planted.store, 'overwrite').map((event) => [event.result, event.reason]),
      [['not-uploaded', 'a record for this key is already on the remote; records are never overwritten']],
    );
    assert.deepEqual(await bucket.get(record(genuine.entry.baseKey, genuine.entry.key)), genuine.text);
    const b = machineB();
    assert.deepEqual(sorted(b.run.compiled), []);
    assert.match(b.output, GENUINE);
    const restored = b.events.filter((event) => event.result === 'hit').length;
    assert.match(b.stats, new RegExp(`restored ${restored} \\(${restored} from the remote, [\\d.]+ (B|KiB|MiB) in [\\d.]+ s\\), compiled 0,`));
  });
});
