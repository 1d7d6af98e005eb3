// Two machines, one remote: two checkouts of the crate-cache benchmark's
// workspace (4 members over 64 crates.io crates, pinned) at different
// absolute paths, each with its own empty local store and target dir, and
// one S3 remote (moto on 127.0.0.1). Machine A builds and tests with
// writing on; machine B, reading only, restores every unit from the remote
// and compiles none, witnessed outside the cache by a RUSTC script that
// logs what the real rustc compiled; its binaries run. Then B edits one
// crate: exactly that crate and its dependents compile.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFixture } from '../tools/bench/crate-cache/fixture.mjs';
import { cargo, freshWorkspace, newStore, runBinary, sorted } from './support/crate-cache-scenario.mjs';
import { Bucket, flushStore, remoteEnv, startRemote, storeEntries, storeEvents, STRANGER, TRUSTED } from './support/remote-cache.mjs';

/**
 * Build scripts' probes (autocfg's `rustc --crate-name autocfg_… -`) compile
 * a snippet from stdin: not units of the build, and no cache keys them.
 */
const isProbe = (run, label) => / -( |$)/.test(run.requested.get(label) ?? '');
const compiledUnits = (run) => sorted(run.compiled).filter((label) => !isProbe(run, label));
const requestedUnits = (run) => sorted(run.requested.keys()).filter((label) => !isProbe(run, label));

describe('the crate cache across two machines through an S3 remote', () => {
  let remote;
  let source;
  const workspaces = [];
  before(async () => {
    remote = await startRemote();
    source = mkdtempSync(join(tmpdir(), 'crate-cache-remote-fixture-'));
    writeFixture(source);
  });
  after(async () => {
    await remote.stop();
    for (const dir of [source, ...workspaces]) rmSync(dir, { recursive: true, force: true });
  });

  it('A writes; B restores every unit from the remote and compiles none; an edit on B compiles that crate and its dependents only', async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const bucket = await Bucket.create(remote.endpoint, 'two-machines');
    const run = (workspace, store, args, session, env) => cargo(workspace, { args: [...args, '--offline'], store, env: { ...env, NX_CARGO_CRATE_CACHE_SESSION: session } });

    const a = freshWorkspace(source);
    const storeA = newStore();
    workspaces.push(a, storeA);
    const writer = remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, signWith: TRUSTED });
    const aBuild = run(a, storeA, ['build', '--workspace'], 'a-build', writer);
    const aTest = run(a, storeA, ['test', '--workspace'], 'a-test', writer);
    await flushStore(storeA);
    const entries = storeEntries(storeA);
    const uploaded = storeEvents(storeA).filter((event) => event.result === 'uploaded');
    assert.equal(uploaded.length, entries.length, 'A uploaded every entry it stored');
    assert.deepEqual(storeEvents(storeA).filter((event) => ['not-uploaded', 'remote-error', 'rejected'].includes(event.result)), []);
    assert.ok(aBuild.compiled.size > 60, `A compiled ${aBuild.compiled.size} units`);
    const objects = await bucket.list();

    const b = freshWorkspace(source);
    const storeB = newStore();
    workspaces.push(b, storeB);
    const reader = remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name });
    const bBuild = run(b, storeB, ['build', '--workspace'], 'b-build', reader);
    assert.deepEqual(compiledUnits(bBuild), [], 'B compiled nothing: every unit came from the remote');
    assert.ok(sorted(bBuild.compiled).every((label) => isProbe(bBuild, label)));
    assert.deepEqual(requestedUnits(bBuild), requestedUnits(aBuild), 'B asked for the units A built');
    const bEvents = storeEvents(storeB, 'b-build');
    assert.deepEqual(bEvents.filter((event) => event.result === 'miss'), []);
    const hits = bEvents.filter((event) => event.result === 'hit');
    // A crate built for the host and the target is one label, two units.
    assert.ok(hits.length >= requestedUnits(bBuild).length, `${hits.length} hits for ${requestedUnits(bBuild).length} units`);
    assert.ok(hits.every((hit) => hit.remote && hit.remote.bytes > 0), 'each restore came from the remote');
    const bTest = run(b, storeB, ['test', '--workspace'], 'b-test', reader);
    assert.deepEqual(compiledUnits(bTest), [], "B's test build compiled nothing either");
    assert.deepEqual(requestedUnits(bTest), requestedUnits(aTest));
    assert.equal(runBinary(b, 'app'), runBinary(a, 'app'));
    assert.deepEqual(await bucket.list(), objects, 'B, reading only, wrote nothing');

    // Negative control: a machine that trusts another key gets nothing from the same remote, and the same assertion fails.
    const c = freshWorkspace(source);
    const storeC = newStore();
    workspaces.push(c, storeC);
    const untrusting = remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, extra: { NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: STRANGER.publicKey } });
    const control = run(c, storeC, ['build', '-p', 'text'], 'c-build', untrusting);
    assert.throws(() => assert.deepEqual(compiledUnits(control), []));
    assert.ok(storeEvents(storeC, 'c-build').some((event) => event.result === 'rejected' && /which is not trusted/.test(event.reason)));

    const lib = join(b, 'crates/text/src/lib.rs');
    writeFileSync(lib, `${readFileSync(lib, 'utf8')}\npub fn edited_on_b() -> usize {\n    42\n}\n`);
    const edited = run(b, storeB, ['build', '--workspace'], 'b-edit', reader);
    assert.deepEqual(compiledUnits(edited), ['app/app', 'text/text']);
    assert.equal(runBinary(b, 'app'), runBinary(a, 'app'));
  });
});
