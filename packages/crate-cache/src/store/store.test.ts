import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';
import { hash } from 'blake3';
import { CrateStore } from './crate-store.js';
import { DamagedEntryError, StoreError } from './errors.js';
import { defaultStoreRoot } from './layout.js';
import { parseSize } from './size.js';
import { entryFor, storedFile, tempDir, testKey } from './testing/fixtures.js';
import type { ManifestCandidate, StoredFile } from './types.js';

function newStore(t: TestContext): { store: CrateStore; work: string } {
  const dir = tempDir(t);
  const work = join(dir, 'work');
  mkdirSync(work);
  return { store: new CrateStore({ root: join(dir, 'store') }), work };
}

function blobFiles(store: CrateStore): string[] {
  return readdirSync(store.paths.blobs, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const candidate = (key: string): ManifestCandidate => ({
  sources: [{ path: '{ws}/src/lib.rs', hash: testKey(`src of ${key}`) }, { path: '{ws}/src/lib/mod.rs', hash: null }],
  envs: [{ name: 'CARGO_PKG_VERSION', value: '0.1.0' }, { name: 'MY_FLAG', value: null }],
  key,
});

test('blobs are content-addressed, deduplicated and read-only', async (t) => {
  const { store, work } = newStore(t);
  const first = await store.putBlobFromBuffer(Buffer.from('fn main() {}'));
  const again = await store.putBlobFromBuffer(Buffer.from('fn main() {}'));
  const source = join(work, 'main.rs');
  writeFileSync(source, 'fn main() {}');
  const fromFile = await store.putBlobFromFile(source);

  assert.deepEqual(first, { blob: hash('fn main() {}').toString('hex'), size: 12 });
  assert.deepEqual(again, first);
  assert.deepEqual(fromFile, first);
  assert.equal(blobFiles(store).length, 1);
  assert.equal(blobFiles(store)[0], store.paths.blob(first.blob));
  assert.equal(statSync(store.paths.blob(first.blob)).mode & 0o777, 0o444);
  assert.deepEqual(readdirSync(store.paths.tmp), [], 'no temp file is left behind');
});

test('a file larger than one read chunk is streamed to the right blob', async (t) => {
  const { store, work } = newStore(t);
  const data = randomBytes(3 * 1024 * 1024 + 17);
  writeFileSync(join(work, 'big.rlib'), data);
  const put = await store.putBlobFromFile(join(work, 'big.rlib'));
  assert.deepEqual(put, { blob: hash(data).toString('hex'), size: data.length });
  assert.ok(readFileSync(store.paths.blob(put.blob)).equals(data));
});

test('a missing source file is a StoreError naming it', async (t) => {
  const { store, work } = newStore(t);
  const missing = join(work, 'nope.rlib');
  await assert.rejects(store.putBlobFromFile(missing), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.file, missing);
    return true;
  });
  assert.deepEqual(readdirSync(store.paths.tmp), []);
});

test('an entry round-trips and restores by link (shared inode) or private copy', async (t) => {
  const { store, work } = newStore(t);
  const rlib = storedFile('deps/libdemo.rlib', await store.putBlobFromBuffer(Buffer.from('rlib bytes')));
  const exe = storedFile('demo', await store.putBlobFromBuffer(Buffer.from('#!/bin/sh\necho hi\n')), true);
  const meta = entryFor(testKey('k1'), [rlib, exe]);
  await store.writeEntry(meta);
  assert.deepEqual(await store.readEntry(meta.key), meta);
  assert.equal(await store.readEntry(testKey('other')), undefined);

  const linked = join(work, 'out', rlib.name);
  await store.restoreFile(rlib, linked, 'link');
  assert.equal(readFileSync(linked, 'utf8'), 'rlib bytes');
  assert.equal(statSync(linked).ino, statSync(store.paths.blob(rlib.blob)).ino);

  const copied = join(work, 'out', 'copy.rlib');
  await store.restoreFile(rlib, copied, 'copy');
  assert.notEqual(statSync(copied).ino, statSync(store.paths.blob(rlib.blob)).ino);
  assert.equal(statSync(copied).mode & 0o777, 0o644);
  writeFileSync(copied, 'changed by the build');
  assert.equal(await store.readBlob(rlib).then(String), 'rlib bytes', 'a private copy never writes through to the blob');

  const binary = join(work, 'out', 'demo');
  writeFileSync(binary, 'previous build');
  await store.restoreFile(exe, binary, 'copy');
  assert.equal(statSync(binary).mode & 0o777, 0o755);
  assert.equal(readFileSync(binary, 'utf8'), '#!/bin/sh\necho hi\n');

  // Linking again onto the same inode: rename() is then a no-op, and no temp link may stay behind.
  await store.restoreFile(rlib, linked, 'link');
  assert.deepEqual(readdirSync(join(work, 'out', 'deps')), ['libdemo.rlib']);
  assert.deepEqual(readdirSync(join(work, 'out')).sort(), ['copy.rlib', 'demo', 'deps']);
});

test('an entry is refused until its blobs exist, and when it is malformed', async (t) => {
  const { store } = newStore(t);
  const ghost = storedFile('libghost.rlib', { blob: testKey('never stored'), size: 5 });
  const key = testKey('k2');
  await assert.rejects(store.writeEntry(entryFor(key, [ghost])), (error: unknown) => {
    assert.ok(error instanceof StoreError && !(error instanceof DamagedEntryError));
    assert.equal(error.file, store.paths.blob(ghost.blob));
    assert.match(error.reason, /missing/);
    return true;
  });
  const real = await store.putBlobFromBuffer(Buffer.from('x'));
  await assert.rejects(store.writeEntry(entryFor(key, [storedFile('../escape.rlib', real)])), /bad file name/);
  await assert.rejects(store.writeEntry(entryFor('../../etc', [])), /invalid key/);
  assert.equal(await store.readEntry(key), undefined);
});

test('a truncated blob is detected, removed, and leaves dest untouched', async (t) => {
  const { store, work } = newStore(t);
  const file = storedFile('libdemo.rlib', await store.putBlobFromBuffer(Buffer.from('a healthy rlib')));
  const blobPath = store.paths.blob(file.blob);
  chmodSync(blobPath, 0o644);
  truncateSync(blobPath, 4);
  const dest = join(work, 'libdemo.rlib');
  writeFileSync(dest, 'previous build');

  const untouched = () => {
    assert.equal(readFileSync(dest, 'utf8'), 'previous build');
    assert.deepEqual(readdirSync(work), ['libdemo.rlib'], 'no temp file beside dest');
  };

  await assert.rejects(store.restoreFile(file, dest, 'copy'), (error: unknown) => {
    assert.ok(error instanceof DamagedEntryError);
    assert.equal(error.file, blobPath);
    assert.match(error.reason, /size is 4, expected 14/);
    return true;
  });
  untouched();
  // The damaged blob was removed; now it is a missing blob.
  await assert.rejects(store.restoreFile(file, dest, 'link'), (error: unknown) => {
    assert.ok(error instanceof DamagedEntryError);
    assert.equal(error.file, blobPath);
    assert.match(error.reason, /missing/);
    return true;
  });
  untouched();
});

test('one altered byte with the size unchanged is detected', async (t) => {
  const { store, work } = newStore(t);
  const text = storedFile('demo.d', await store.putBlobFromBuffer(Buffer.from('{ws}/src/lib.rs:\n')));
  const rlib = storedFile('libdemo.rlib', await store.putBlobFromBuffer(Buffer.from('rlib contents')));
  for (const file of [text, rlib]) {
    const blobPath = store.paths.blob(file.blob);
    const bytes = readFileSync(blobPath);
    bytes[3] ^= 1;
    chmodSync(blobPath, 0o644);
    writeFileSync(blobPath, bytes);
  }
  await assert.rejects(store.readBlob(text), (error: unknown) => error instanceof DamagedEntryError && /hash/.test(error.reason));
  await assert.rejects(store.restoreFile(rlib, join(work, 'libdemo.rlib'), 'link'), DamagedEntryError);
  assert.deepEqual(readdirSync(work), []);
  // Removed, so the recompile stores a good blob instead of deduplicating against the bad one.
  assert.deepEqual(blobFiles(store), []);
  const again = await store.putBlobFromBuffer(Buffer.from('rlib contents'));
  await store.restoreFile(storedFile('libdemo.rlib', again), join(work, 'libdemo.rlib'), 'link');
  assert.equal(readFileSync(join(work, 'libdemo.rlib'), 'utf8'), 'rlib contents');
});

test('unusable entry records read as no entry and are reported damaged', async (t) => {
  const { store } = newStore(t);
  const garbage = testKey('garbage');
  const foreign = testKey('foreign');
  mkdirSync(join(store.paths.entries, garbage.slice(0, 2)), { recursive: true });
  writeFileSync(store.paths.entry(garbage), '{"key": "trunc');
  mkdirSync(join(store.paths.entries, foreign.slice(0, 2)), { recursive: true });
  writeFileSync(store.paths.entry(foreign), JSON.stringify(entryFor(testKey('someone else'), [])));

  assert.equal(await store.readEntry(garbage), undefined);
  assert.equal(await store.readEntry(foreign), undefined);
  const events = await store.readEvents();
  assert.deepEqual(
    events.map((event) => [event.result, event.key]),
    [
      ['damaged', garbage],
      ['damaged', foreign],
    ],
  );
  assert.match(events[0].reason ?? '', /not valid JSON/);
  assert.match(events[1].reason ?? '', /is for key/);
});

test('markDamaged removes the entry so the next lookup misses', async (t) => {
  const { store } = newStore(t);
  const key = testKey('k3');
  await store.writeEntry(entryFor(key, [storedFile('a', await store.putBlobFromBuffer(Buffer.from('a')))]));
  await store.markDamaged(key, 'blob gone', { session: 's1', crateName: 'demo' });
  assert.equal(await store.readEntry(key), undefined);
  assert.deepEqual(
    (await store.readEvents()).map(({ result, key: k, reason, session, crateName }) => ({ result, key: k, reason, session, crateName })),
    [{ result: 'damaged', key, reason: 'blob gone', session: 's1', crateName: 'demo' }],
  );
});

test('manifests keep the newest 8 candidates, newest first, one per key', async (t) => {
  const { store } = newStore(t);
  const baseKey = testKey('base');
  for (let i = 0; i < 10; i++) await store.addManifestCandidate(baseKey, candidate(testKey(`c${i}`)));
  const keys = (await store.readManifest(baseKey)).map((c) => c.key);
  assert.deepEqual(keys, [9, 8, 7, 6, 5, 4, 3, 2].map((i) => testKey(`c${i}`)));

  await store.addManifestCandidate(baseKey, candidate(testKey('c5')));
  const after = (await store.readManifest(baseKey)).map((c) => c.key);
  assert.deepEqual(after, [5, 9, 8, 7, 6, 4, 3, 2].map((i) => testKey(`c${i}`)));
  assert.deepEqual((await store.readManifest(baseKey))[0], candidate(testKey('c5')));
  assert.deepEqual(await store.readManifest(testKey('unknown base')), []);

  writeFileSync(store.paths.manifest(baseKey), '[not json');
  assert.deepEqual(await store.readManifest(baseKey), []);
});

test('concurrent manifest writers never leave an unreadable manifest', async (t) => {
  const { store } = newStore(t);
  const baseKey = testKey('contended');
  await Promise.all(Array.from({ length: 12 }, (_, i) => store.addManifestCandidate(baseKey, candidate(testKey(`w${i}`)))));
  const candidates = await store.readManifest(baseKey);
  assert.ok(candidates.length >= 1 && candidates.length <= 8, `${candidates.length} candidates`);
  assert.doesNotThrow(() => JSON.parse(readFileSync(store.paths.manifest(baseKey), 'utf8')));
});

test('events are logged as lines, filtered by session, and counted by stats', async (t) => {
  const { store } = newStore(t);
  const at = Date.now();
  await store.recordEvent({ at, session: 'a', crateName: 'x', result: 'hit', ms: 3, bytes: 10 });
  await store.recordEvent({ at, session: 'a', crateName: 'y', result: 'miss', ms: 900, reason: 'first compile' });
  await store.recordEvent({ at, session: 'b', result: 'hit', ms: 2 });
  await store.recordEvent({ at, session: 'b', result: 'passthrough', ms: 0, reason: 'x'.repeat(20_000) });
  await store.writeEntry(entryFor(testKey('k4'), [storedFile('a', await store.putBlobFromBuffer(Buffer.from('12345')))]));

  assert.deepEqual((await store.readEvents({ session: 'a' })).map((e) => e.crateName), ['x', 'y']);
  const lines = readFileSync(join(store.paths.events, 'log.jsonl'), 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 4);
  assert.ok(lines.every((line) => Buffer.byteLength(line) < 4096), 'every line stays under 4 KB');

  const stats = await store.stats();
  assert.deepEqual(stats, {
    entries: 1,
    blobs: 1,
    bytes: 5,
    events: { hit: 2, miss: 1, passthrough: 1, damaged: 0, error: 0, rejected: 0, 'remote-error': 0, uploaded: 0, 'not-uploaded': 0 },
    hitRate: 2 / 3,
    remote: { hits: 0, bytes: 0, ms: 0, uploads: 0, uploadedBytes: 0 },
  });
});

test('recordEvent never throws, even when the store cannot be written', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a-file'), '');
  const store = new CrateStore({ root: join(dir, 'a-file') });
  await assert.doesNotReject(store.recordEvent({ at: 0, result: 'error', ms: 0 }));
  await assert.rejects(store.putBlobFromBuffer(Buffer.from('x')), /ENOTDIR/, 'the store really is unwritable');
});

test('last parts are kept per unit name, whatever characters it has', async (t) => {
  const { store } = newStore(t);
  const parts = [{ class: 'cfg', name: 'feature', value: 'std' }];
  await store.writeLastParts('my-pkg/my_crate#lib+test', parts, testKey('k5'));
  assert.deepEqual(await store.readLastParts('my-pkg/my_crate#lib+test'), { key: testKey('k5'), parts });
  assert.equal(await store.readLastParts('my-pkg'), undefined);
  assert.deepEqual(readdirSync(store.paths.last), ['my-pkg%2Fmy_crate%23lib%2Btest.json']);
});

test('clear removes everything under the root', async (t) => {
  const { store } = newStore(t);
  await store.writeEntry(entryFor(testKey('k6'), [storedFile('a', await store.putBlobFromBuffer(Buffer.from('a')))]));
  await store.recordEvent({ at: 0, result: 'hit', ms: 0 });
  await store.clear();
  assert.deepEqual(readdirSync(store.root), []);
  assert.equal(await store.readEntry(testKey('k6')), undefined);
});

test('parseSize reads bytes and binary K/M/G/T suffixes', () => {
  assert.equal(parseSize('123'), 123);
  assert.equal(parseSize('500M'), 500 * 1024 ** 2);
  assert.equal(parseSize('10G'), 10 * 1024 ** 3);
  assert.equal(parseSize('1.5k'), 1536);
  assert.equal(parseSize('2GiB'), 2 * 1024 ** 3);
  assert.throws(() => parseSize('ten gigs'), RangeError);
  assert.throws(() => parseSize(''), RangeError);
});

test('defaultStoreRoot prefers the explicit dir, then XDG_CACHE_HOME, then ~/.cache', () => {
  assert.equal(defaultStoreRoot({ NX_CARGO_CRATE_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }), '/c');
  assert.equal(defaultStoreRoot({ XDG_CACHE_HOME: '/x', HOME: '/h' }), '/x/nx-cargo/crates');
  assert.equal(defaultStoreRoot({ XDG_CACHE_HOME: 'relative', HOME: '/h' }), '/h/.cache/nx-cargo/crates');
  assert.equal(defaultStoreRoot({ HOME: '/h' }), '/h/.cache/nx-cargo/crates');
});

test('an entry naming a file outside the out-dir reads as no entry', async (t) => {
  const { store } = newStore(t);
  const key = testKey('k7');
  const bad: StoredFile = storedFile('/etc/passwd', await store.putBlobFromBuffer(Buffer.from('x')));
  mkdirSync(join(store.paths.entries, key.slice(0, 2)), { recursive: true });
  writeFileSync(store.paths.entry(key), JSON.stringify(entryFor(key, [bad])));
  assert.equal(await store.readEntry(key), undefined);
});
