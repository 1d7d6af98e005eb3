import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CrateStore } from '../store/crate-store.js';
import { entryFor, storedFile, tempDir, testKey } from '../store/testing/fixtures.js';
import type { EntryMeta, ManifestCandidate } from '../store/types.js';
import { flushRemoteUploads, remoteOption } from './index.js';
import { REMOTE_LAYOUT } from './remote-cache.js';
import { generateSigningKey } from './signing.js';

const trusted = generateSigningKey();
const stranger = generateSigningKey();

interface Machine {
  store: CrateStore;
  session: string;
}

/** A machine: its own local store, the shared remote folder, reading or (with `signWith`) writing. */
function machine(t: TestContext, remote: string, options: { signWith?: { privateKeyPem: string }; env?: Record<string, string> } = {}): Machine {
  const root = join(tempDir(t), 'store');
  const session = randomUUID();
  const env = {
    NX_CARGO_CRATE_CACHE_SESSION: session,
    NX_CARGO_CRATE_CACHE_REMOTE_DIR: remote,
    NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: trusted.publicKey,
    ...(options.signWith ? { NX_CARGO_CRATE_CACHE_REMOTE_WRITE: 'true', NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY: options.signWith.privateKeyPem } : {}),
    ...options.env,
  };
  return { store: new CrateStore({ root, ...remoteOption(env, root) }), session };
}

/** Compiles a unit on `machine`, as the wrapper stores one: blobs, entry, then the manifest candidate. */
async function compile(machine: Machine, label: string, contents = `rlib of ${label}`): Promise<{ entry: EntryMeta; candidate: ManifestCandidate }> {
  const { store } = machine;
  const key = testKey(label);
  const rlib = await store.putBlobFromBuffer(Buffer.from(contents));
  const rmeta = await store.putBlobFromBuffer(Buffer.from(`rmeta of ${label}`));
  const entry = entryFor(key, [storedFile('{unit}.rlib', rlib), storedFile('{unit}.rmeta', rmeta)], label);
  const candidate: ManifestCandidate = { sources: [{ path: '{ws}/src/lib.rs', hash: testKey(`src of ${label}`) }], envs: [], key };
  await store.writeEntry(entry);
  await store.addManifestCandidate(entry.baseKey, candidate);
  await flushRemoteUploads(machine.session);
  return { entry, candidate };
}

/** What the wrapper does on lookup: the first candidate whose entry reads. */
async function lookUp(machine: Machine, baseKey: string, label: string): Promise<EntryMeta | undefined> {
  for await (const candidate of machine.store.candidates(baseKey, label)) {
    const entry = await machine.store.readEntry(candidate.key);
    if (entry) return entry;
  }
  return undefined;
}

async function events(machine: Machine, result: string): Promise<string[]> {
  return (await machine.store.readEvents({ session: machine.session })).filter((event) => event.result === result).map((event) => event.reason ?? event.key ?? '');
}

test('an entry a writer uploads is restored by a reader on another machine, blobs verified and installed locally', async (t) => {
  const remote = tempDir(t);
  const a = machine(t, remote, { signWith: trusted });
  const { entry } = await compile(a, 'serde');
  assert.equal((await events(a, 'uploaded')).length, 1);

  const b = machine(t, remote);
  const found = await lookUp(b, entry.baseKey, 'serde');
  assert.deepEqual(found, entry);
  assert.deepEqual(await b.store.readLocalEntry(entry.key), entry, 'installed in the local store');
  for (const file of entry.files) assert.equal(await b.store.hasBlob(file), true);
  assert.equal(b.store.remoteUse(entry.key).remote?.bytes, entry.files.reduce((sum, file) => sum + file.size, 0));
  assert.deepEqual([...(await events(b, 'rejected')), ...(await events(b, 'remote-error'))], []);

  // Negative control: the same lookup without the remote finds nothing.
  const alone = { store: new CrateStore({ root: join(tempDir(t), 'store') }), session: 'x' };
  assert.equal(await lookUp(alone, entry.baseKey, 'serde'), undefined);
});

test('a record signed by a key the reader does not trust is a miss, logged as rejected', async (t) => {
  const remote = tempDir(t);
  const attacker = machine(t, remote, { signWith: stranger });
  const { entry } = await compile(attacker, 'serde', 'planted rlib');
  const b = machine(t, remote);
  assert.equal(await lookUp(b, entry.baseKey, 'serde'), undefined);
  assert.deepEqual(await events(b, 'rejected'), [`remote record rejected: record is signed by key ${stranger.publicKey.slice(0, 12)}…, which is not trusted`]);
  assert.equal(await b.store.readLocalEntry(entry.key), undefined);

  // Negative control: with verification off (test-only), the planted entry is served.
  const off = machine(t, remote, { env: { NX_CARGO_CRATE_CACHE_TEST_REMOTE_VERIFY: 'off' } });
  assert.deepEqual(await lookUp(off, entry.baseKey, 'serde'), entry);
});

test('a swapped blob and a missing blob are rejected; nothing of them reaches the local store', async (t) => {
  const remote = tempDir(t);
  const a = machine(t, remote, { signWith: trusted });
  const swapped = await compile(a, 'regex');
  const rlib = swapped.entry.files[0];
  const blobFile = join(remote, 'nx-cargo', ...REMOTE_LAYOUT.blob(rlib.blob).split('/'));
  rmSync(blobFile);
  writeFileSync(blobFile, Buffer.alloc(rlib.size, 'x'));
  const b = machine(t, remote);
  assert.equal(await lookUp(b, swapped.entry.baseKey, 'regex'), undefined);
  assert.match((await events(b, 'rejected'))[0], new RegExp(`remote entry rejected: blob ${rlib.blob} of \\{unit\\}.rlib does not match the record \\(contents hash to [0-9a-f]{64}\\)`));
  assert.equal(await b.store.hasBlob(rlib), false);
  assert.equal(await b.store.readLocalEntry(swapped.entry.key), undefined);

  const missing = await compile(a, 'syn');
  const rmeta = missing.entry.files[1];
  unlinkSync(join(remote, 'nx-cargo', ...REMOTE_LAYOUT.blob(rmeta.blob).split('/')));
  assert.equal(await lookUp(b, missing.entry.baseKey, 'syn'), undefined);
  assert.deepEqual((await events(b, 'rejected')).slice(1), [`remote entry rejected: blob ${rmeta.blob} of {unit}.rmeta is missing on the remote`]);
});

test('an existing key is never overwritten: a second writer is refused and readers keep the first record', async (t) => {
  const remote = tempDir(t);
  const a = machine(t, remote, { signWith: trusted });
  const { entry } = await compile(a, 'clap');
  const other = machine(t, remote, { signWith: stranger });
  await compile(other, 'clap', 'planted rlib');
  assert.deepEqual(await events(other, 'not-uploaded'), ['a record for this key is already on the remote; records are never overwritten']);
  assert.deepEqual(await lookUp(machine(t, remote), entry.baseKey, 'clap'), entry);
});

test('a local hit on a writer puts an entry that is missing from the remote there', async (t) => {
  const remote = tempDir(t);
  const local = machine(t, join(tempDir(t), 'elsewhere'), { signWith: trusted });
  const { entry } = await compile(local, 'log');
  // The same store, now with the shared remote: a lookup that hits locally uploads it.
  const env = { NX_CARGO_CRATE_CACHE_SESSION: local.session, NX_CARGO_CRATE_CACHE_REMOTE_DIR: remote, NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: trusted.publicKey, NX_CARGO_CRATE_CACHE_REMOTE_WRITE: 'true', NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY: trusted.privateKeyPem };
  const writer = { store: new CrateStore({ root: local.store.root, ...remoteOption(env, local.store.root) }), session: local.session };
  assert.deepEqual(await lookUp(writer, entry.baseKey, 'log'), entry);
  await flushRemoteUploads(local.session);
  assert.deepEqual(await lookUp(machine(t, remote), entry.baseKey, 'log'), entry);
});

test('after a few failed calls the remote is skipped for the rest of the run, said once', async (t) => {
  const notADir = join(tempDir(t), 'file');
  writeFileSync(notADir, '');
  const b = machine(t, notADir);
  for (const label of ['a', 'b', 'c', 'd', 'e']) assert.equal(await lookUp(b, testKey(`base of ${testKey(label)}`), label), undefined);
  const errors = await events(b, 'remote-error');
  assert.equal(errors.filter((reason) => reason.startsWith('remote call failed: list v1/records/')).length, 3, errors.join('\n'));
  assert.deepEqual(errors.filter((reason) => reason.startsWith('remote skipped')).length, 1);
  assert.match(errors.at(-1) ?? '', /^remote skipped for the rest of this run after 3 failed calls \(last: list v1\/records\/[0-9a-f]+\/: ENOTDIR/);
  // Another run starts with a working remote again.
  assert.equal(existsSync(join(b.store.root, 'remote')), true);
  const next = machine(t, notADir);
  await lookUp(next, testKey('base of x'), 'x');
  assert.equal((await events(next, 'remote-error')).length, 1);
  assert.ok(readdirSync(join(b.store.root, 'remote')).length >= 1);
});
