import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isAbandoned } from './claims.js';
import { isProblem, parseEntryRecord } from './entries.js';
import { isProcessAlive, listSharded, readdirIfExists, readTextIfExists, unlinkIfExists } from '../fs-util.js';
import { tempOwner, type StoreLayout } from './layout.js';
import { writeByteCounter } from './size.js';
import type { GcResult } from './types.js';

/**
 * How old an unreferenced blob, a temp file or a claim must be before gc
 * removes it. A blob is unreferenced between its write and its entry's write,
 * and temp files belong to writes in progress.
 */
const GRACE_MS = 60 * 60 * 1000;

interface LiveEntry {
  path: string;
  lastUsed: number;
  blobs: string[];
}

/**
 * Evicts least-recently-used entries (entry mtime, bumped on every hit) until
 * the blobs fit in `maxBytes`, and removes blobs nothing references. Safe
 * beside readers and writers: an entry is removed before its blobs, and a
 * restore verifies what it links or copies, so a blob vanishing under a reader
 * makes a damaged entry (a recompile), never wrong data. Callers hold the gc lock.
 */
export async function collectGarbage(paths: StoreLayout, maxBytes: number): Promise<GcResult> {
  const result: GcResult = { removedEntries: 0, removedBlobs: 0, freedBytes: 0 };
  const graceEnd = Date.now() - GRACE_MS;

  const entries: LiveEntry[] = [];
  for (const { name, path } of await listSharded(paths.entries)) {
    if (!name.endsWith('.json')) continue;
    const found = await Promise.all([readFile(path, 'utf8'), stat(path)]).catch(() => undefined);
    if (!found) continue; // removed meanwhile
    const [text, stats] = found;
    const meta = parseEntryRecord(text, name.slice(0, -'.json'.length));
    if (isProblem(meta)) {
      if (await unlinkIfExists(path)) result.removedEntries++;
    } else {
      entries.push({ path, lastUsed: stats.mtimeMs, blobs: meta.files.map((file) => file.blob) });
    }
  }

  const references = new Map<string, number>();
  for (const entry of entries) for (const blob of entry.blobs) references.set(blob, (references.get(blob) ?? 0) + 1);

  const blobSizes = new Map<string, number>();
  let total = 0;
  const removeBlob = async (blob: string) => {
    const size = blobSizes.get(blob) ?? 0;
    blobSizes.delete(blob);
    total -= size;
    if (await unlinkIfExists(paths.blob(blob))) {
      result.removedBlobs++;
      result.freedBytes += size;
    }
  };
  const orphans: string[] = [];
  for (const { shard, name, path } of await listSharded(paths.blobs)) {
    const blob = shard + name;
    if (!/^[0-9a-f]{64}$/.test(blob)) continue;
    const stats = await stat(path).catch(() => undefined);
    if (!stats) continue;
    blobSizes.set(blob, stats.size);
    total += stats.size;
    // Recent unreferenced blobs are spared: their entry is probably being written right now.
    if (!references.has(blob) && stats.mtimeMs < graceEnd) orphans.push(blob);
  }
  for (const blob of orphans) await removeBlob(blob);

  entries.sort((a, b) => a.lastUsed - b.lastUsed);
  for (const entry of entries) {
    if (total <= maxBytes) break;
    if (await unlinkIfExists(entry.path)) result.removedEntries++;
    for (const blob of entry.blobs) {
      const left = (references.get(blob) ?? 1) - 1;
      references.set(blob, left);
      if (left === 0 && blobSizes.has(blob)) await removeBlob(blob);
    }
  }

  await sweepLeftovers(paths, graceEnd);
  await writeByteCounter(paths, total);
  return result;
}

/** Temp files (and snapshot folders) and claims left by processes that died mid-write or mid-compile. */
async function sweepLeftovers(paths: StoreLayout, graceEnd: number): Promise<void> {
  for (const name of await readdirIfExists(paths.tmp)) {
    const path = join(paths.tmp, name);
    const owner = tempOwner(name);
    const stats = await stat(path).catch(() => undefined);
    if (stats && stats.mtimeMs < graceEnd && (owner === undefined || !isProcessAlive(owner))) await rm(path, { recursive: true, force: true });
  }
  for (const name of await readdirIfExists(paths.claims)) {
    const path = join(paths.claims, name);
    const [stats, text] = await Promise.all([stat(path).catch(() => undefined), readTextIfExists(path).catch(() => undefined)]);
    if (stats && text !== undefined && stats.mtimeMs < graceEnd && (await isAbandoned(path, text))) await unlinkIfExists(path);
  }
}
