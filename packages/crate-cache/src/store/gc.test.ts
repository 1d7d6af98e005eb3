import assert from 'node:assert/strict';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CrateStore } from './crate-store.js';
import { entryFor, storedFile, tempDir, testKey } from './testing/fixtures.js';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 60 * 60 * 1000);

/** Stores an entry with one 1000-byte blob of its own plus `extra` files, last used `hours` ago. */
async function entryUsed(store: CrateStore, label: string, hours: number, extra: ReturnType<typeof storedFile>[] = []) {
  const own = storedFile(`lib${label}.rlib`, await store.putBlobFromBuffer(Buffer.alloc(1000, label)));
  const meta = entryFor(testKey(label), [own, ...extra], label);
  await store.writeEntry(meta);
  utimesSync(store.paths.entry(meta.key), hoursAgo(hours), hoursAgo(hours));
  return { key: meta.key, blob: store.paths.blob(own.blob) };
}

test('gc evicts least recently used entries first; a touched entry survives', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store') });
  const shared = storedFile('shared.rmeta', await store.putBlobFromBuffer(Buffer.alloc(100, 's')));
  const a = await entryUsed(store, 'a', 3, [shared]);
  const b = await entryUsed(store, 'b', 2, [shared]);
  const c = await entryUsed(store, 'c', 1);
  await store.touch(a.key); // a hit: a is now the most recently used

  const result = await store.gc({ maxBytes: 2100 });
  assert.deepEqual(result, { removedEntries: 1, removedBlobs: 1, freedBytes: 1000 });
  assert.equal(await store.readEntry(b.key), undefined);
  assert.equal(existsSync(b.blob), false);
  assert.ok(await store.readEntry(a.key));
  assert.ok(await store.readEntry(c.key));
  assert.ok(existsSync(store.paths.blob(shared.blob)), 'a blob still referenced by a is kept');
  assert.equal((await store.stats()).bytes, 2100);

  const next = await store.gc({ maxBytes: 1100 });
  assert.deepEqual(next, { removedEntries: 1, removedBlobs: 1, freedBytes: 1000 });
  assert.equal(await store.readEntry(c.key), undefined, 'c was used before a');
  assert.ok(await store.readEntry(a.key));
});

test('gc deletes old unreferenced blobs and spares recent ones', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store') });
  const kept = await entryUsed(store, 'kept', 1);
  const orphan = store.paths.blob((await store.putBlobFromBuffer(Buffer.from('left by an evicted entry'))).blob);
  const inFlight = store.paths.blob((await store.putBlobFromBuffer(Buffer.from('entry about to be written'))).blob);
  utimesSync(orphan, hoursAgo(2), hoursAgo(2));

  const result = await store.gc({ maxBytes: 1_000_000 });
  assert.deepEqual(result, { removedEntries: 0, removedBlobs: 1, freedBytes: 24 });
  assert.equal(existsSync(orphan), false);
  assert.ok(existsSync(inFlight));
  assert.ok(existsSync(kept.blob));
});

test('gc runs by itself once a write takes the store past its limit', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store'), maxBytes: 3000 });
  const old = await entryUsed(store, 'old', 3);
  const mid = await entryUsed(store, 'mid', 2);
  const recent = await entryUsed(store, 'recent', 1);
  assert.equal((await store.stats()).entries, 3, 'at the limit, nothing is evicted');

  const newest = await entryUsed(store, 'newest', 0);
  const stats = await store.stats();
  assert.ok(stats.bytes <= 2700, `${stats.bytes} bytes left`);
  assert.equal(await store.readEntry(old.key), undefined);
  assert.equal(await store.readEntry(mid.key), undefined);
  assert.ok(await store.readEntry(recent.key));
  assert.ok(await store.readEntry(newest.key));
});

test('gc removes unparsable entry records', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store') });
  const broken = await entryUsed(store, 'broken', 1);
  writeFileSync(store.paths.entry(broken.key), '{');
  const result = await store.gc({ maxBytes: 1_000_000 });
  assert.equal(result.removedEntries, 1);
  assert.equal(existsSync(store.paths.entry(broken.key)), false);
});
