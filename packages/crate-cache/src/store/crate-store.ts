import { constants } from 'node:fs';
import { access, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemoteCall, RemoteSession } from '../remote/remote-cache.js';
import type { RecordBody } from '../remote/record.js';
import { putBlobFromBuffer, putBlobFromChunks, putBlobFromFile, readBlob, restoreFile, type PutBlobResult, type RestoreMode } from './blobs.js';
import { acquire, tryAcquire, type Claim, type ClaimOptions } from './claims.js';
import { isProblem, parseEntryRecord } from './entries.js';
import { StoreError } from './errors.js';
import { appendEvent, EVENT_RESULTS, readEventLog } from './events.js';
import { errorCode, errorMessage, inDir, listSharded, readdirIfExists, readTextIfExists, statIfExists, unlinkIfExists, writeFileAtomic } from '../fs-util.js';
import { collectGarbage } from './gc.js';
import { readLastParts, writeLastParts } from './last-parts.js';
import { StoreLayout } from './layout.js';
import { addManifestCandidate, readManifest } from './manifests.js';
import { addToByteCounter, DEFAULT_MAX_BYTES, readByteCounter } from './size.js';
import type { CacheEvent, CacheEventResult, EntryMeta, GcResult, KeyPart, LastParts, ManifestCandidate, RemoteUse, StoreStats, StoredFile } from './types.js';
import { entryProblem } from './validate.js';

export interface CrateStoreOptions {
  root: string;
  /** Size limit for all blobs; default 10 GiB. */
  maxBytes?: number;
  /** A remote consulted on local misses and, when it writes, given every new entry. */
  remote?: RemoteSession;
  /** Why the configured remote is not used: logged once per run and process. */
  remoteProblem?: { session: string; reason: string };
}

/** Runs (sessions) this process has logged a remote configuration problem for. */
const problemsLogged = new Set<string>();

/** Where a key this store handed out came from: the base key and source set it was found under. */
interface Origin {
  baseKey: string;
  candidate: ManifestCandidate;
  crateName?: string;
  /** A verified remote record, when the candidate came from the remote. */
  record?: RecordBody;
}

/**
 * Automatic gc evicts down to this share of the limit, so a full cache does
 * not run gc again on every following write.
 */
const AUTO_GC_TARGET = 0.9;

/**
 * The content-addressed store of the rustc cache. Every write is a temp file
 * renamed into place and every restore is verified, so several processes can
 * share one root, and a killed process or a damaged file costs a recompile,
 * never wrong outputs.
 */
export class CrateStore {
  readonly root: string;
  readonly maxBytes: number;
  readonly paths: StoreLayout;
  private readonly remote?: RemoteSession;
  private readonly remoteProblem?: { session: string; reason: string };
  private readonly origins = new Map<string, Origin>();
  private readonly remoteKeys = new Map<string, Promise<string[]>>();
  /** Remote records fetched by this store object, verified or not (undefined): each is read and judged once. */
  private readonly remoteRecords = new Map<string, Promise<RecordBody | undefined>>();
  /** Remote entries this store tried to install: each is fetched and judged once. */
  private readonly remoteEntries = new Map<string, Promise<EntryMeta | undefined>>();
  /** Entries this store installed from the remote, with what it cost. */
  private readonly fetched = new Map<string, RemoteUse>();
  /** Time and bytes spent on the remote by this store object: one rustc call's unit. */
  private readonly spent: RemoteUse = { bytes: 0, ms: 0 };

  constructor(options: CrateStoreOptions) {
    this.root = options.root;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.paths = new StoreLayout(options.root);
    this.remote = options.remote;
    this.remoteProblem = options.remoteProblem;
  }

  /** Stores a file's contents, streamed (rlibs can be large). */
  async putBlobFromFile(path: string): Promise<{ blob: string; size: number }> {
    return this.counted(await putBlobFromFile(this.paths, path));
  }

  async putBlobFromBuffer(data: Buffer): Promise<{ blob: string; size: number }> {
    return this.counted(await putBlobFromBuffer(this.paths, data));
  }

  /** Stores a download; bytes that are not `expected` are refused with DamagedEntryError. */
  async putBlobFromChunks(chunks: AsyncIterable<Buffer>, expected: { blob: string; size: number }): Promise<{ blob: string; size: number }> {
    return this.counted(await putBlobFromChunks(this.paths, chunks, expected));
  }

  /** Whether the blob of `file` is here with its size (its hash is checked when it is restored). */
  async hasBlob(file: Pick<StoredFile, 'blob' | 'size'>): Promise<boolean> {
    return (await statIfExists(this.paths.blob(file.blob)))?.size === file.size;
  }

  /**
   * Publishes an entry. Its blobs must already be stored: the record is the
   * commit point, so it is only written once everything it names exists.
   */
  async writeEntry(meta: EntryMeta): Promise<void> {
    const file = this.paths.entry(meta.key);
    const problem = entryProblem(meta);
    if (problem) throw new StoreError(file, `refusing to write entry: ${problem}`);
    for (const stored of meta.files) {
      const blobPath = this.paths.blob(stored.blob);
      const stats = await statIfExists(blobPath);
      if (stats?.size !== stored.size) {
        const found = stats ? `has ${stats.size} bytes, not ${stored.size}` : 'is missing';
        throw new StoreError(blobPath, `blob of ${stored.name} ${found}; store blobs before the entry`);
      }
    }
    await writeFileAtomic(this.paths.temp(), file, JSON.stringify(meta));
    await this.collectIfFull();
  }

  /**
   * The entry for `key`; a missing record is a miss, an unusable one is also
   * reported as damaged. For a key that `candidates` handed out, a local miss
   * consults the remote: its verified record and blobs are installed here
   * first. A writer also makes sure a local hit is on the remote.
   */
  async readEntry(key: string): Promise<EntryMeta | undefined> {
    const local = await this.readLocalEntry(key);
    const origin = this.origins.get(key);
    if (local) {
      if (origin && this.remote?.writes && !this.fetched.has(key)) this.remote.upload(origin.baseKey, origin.candidate, { store: this, crateName: origin.crateName }, { quietIfPresent: true });
      return local;
    }
    if (!origin || !this.remote) return undefined;
    let fetched = this.remoteEntries.get(key);
    if (!fetched) this.remoteEntries.set(key, (fetched = this.fetchEntry(key, origin, this.remote)));
    return fetched;
  }

  /** What fetching `key` from the remote cost, when this store installed it from there. */
  remoteUse(key: string): { remote?: RemoteUse } {
    const use = this.fetched.get(key);
    return use ? { remote: use } : {};
  }

  /** The local entry for `key` only. */
  async readLocalEntry(key: string): Promise<EntryMeta | undefined> {
    const file = this.paths.entry(key);
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
    const meta = parseEntryRecord(text, key);
    if (!isProblem(meta)) return meta;
    await this.markDamaged(key, `${file}: ${meta.problem}`);
    return undefined;
  }

  /** Restores one output; throws DamagedEntryError (dest untouched) if the blob is missing or altered. */
  async restoreFile(file: StoredFile, dest: string, how: RestoreMode): Promise<void> {
    await restoreFile(this.paths, file, dest, how);
  }

  /** A blob's verified contents, for small text files the caller rewrites. */
  async readBlob(file: StoredFile): Promise<Buffer> {
    return readBlob(this.paths, file);
  }

  /**
   * Drops the entry so the next run misses and recompiles, and logs why.
   * `context` lets the caller attach its session and crate to the event.
   */
  async markDamaged(key: string, reason: string, context: Pick<CacheEvent, 'session' | 'crateName'> = {}): Promise<void> {
    await unlinkIfExists(this.paths.entry(key));
    await this.recordEvent({ at: Date.now(), ...context, result: 'damaged', key, reason, ms: 0 });
  }

  /** Waits until this process holds the claim on `key`; re-check `readEntry` after, the holder may have stored it. */
  async claim(key: string, options?: ClaimOptions): Promise<Claim> {
    return acquire(this.paths.claim(key), options);
  }

  async readManifest(baseKey: string): Promise<ManifestCandidate[]> {
    return readManifest(this.paths, baseKey);
  }

  /**
   * The source sets recorded for `baseKey`: the local manifest's, then,
   * lazily (only if the caller goes on looking), those of verified remote
   * records, newest first. `crateName` labels the remote's events.
   */
  async *candidates(baseKey: string, crateName?: string): AsyncGenerator<ManifestCandidate> {
    const local = await this.readManifest(baseKey);
    for (const candidate of local) {
      this.origins.set(candidate.key, { baseKey, candidate, crateName });
      yield candidate;
    }
    const remote = this.remote;
    if (this.remoteProblem) await this.logRemoteProblem(this.remoteProblem);
    if (!remote) return;
    const call = { store: this, crateName, spent: this.spent };
    let keys = this.remoteKeys.get(baseKey);
    if (!keys) this.remoteKeys.set(baseKey, (keys = this.remoteAnswer(() => remote.recordKeys(baseKey, call), [])));
    for (const key of await keys) {
      if (local.some((candidate) => candidate.key === key)) continue;
      const record = await this.remoteRecord(remote, baseKey, key, call);
      if (!record) continue;
      this.origins.set(key, { baseKey, candidate: record.candidate, crateName, record });
      yield record.candidate;
    }
  }

  /**
   * Adds a compile's source set to the local manifest, the last step of
   * storing an entry; a writing remote then gets the entry in the background.
   */
  async addManifestCandidate(baseKey: string, candidate: ManifestCandidate): Promise<void> {
    await addManifestCandidate(this.paths, baseKey, candidate);
    this.remote?.upload(baseKey, candidate, { store: this }, { quietIfPresent: false });
  }

  /**
   * Appends to the event log; never throws, since a lost log line must not
   * fail a build. False when the line could not be written (a full or
   * read-only disk): the caller may have another way to say it.
   */
  async recordEvent(event: CacheEvent): Promise<boolean> {
    try {
      await appendEvent(this.paths.events, event);
      return true;
    } catch {
      return false;
    }
  }

  async readEvents(filter?: { session?: string }): Promise<CacheEvent[]> {
    return readEventLog(this.paths.events, filter);
  }

  async writeLastParts(crateName: string, parts: KeyPart[], key: string): Promise<void> {
    await writeLastParts(this.paths, crateName, parts, key);
  }

  async readLastParts(crateName: string): Promise<LastParts | undefined> {
    return readLastParts(this.paths, crateName);
  }

  /** Marks a hit as recently used: gc evicts by entry mtime. */
  async touch(key: string): Promise<void> {
    const now = new Date();
    try {
      await utimes(this.paths.entry(key), now, now);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  async stats(): Promise<StoreStats> {
    const entries = (await listSharded(this.paths.entries)).filter((file) => file.name.endsWith('.json')).length;
    let blobs = 0;
    let bytes = 0;
    for (const { path } of await listSharded(this.paths.blobs)) {
      const stats = await statIfExists(path);
      if (!stats) continue;
      blobs++;
      bytes += stats.size;
    }
    const events = Object.fromEntries(EVENT_RESULTS.map((result) => [result, 0])) as Record<CacheEventResult, number>;
    const remote = { hits: 0, bytes: 0, ms: 0, uploads: 0, uploadedBytes: 0 };
    for (const event of await this.readEvents()) {
      events[event.result]++;
      if (event.result === 'hit' && event.remote) {
        remote.hits++;
        remote.bytes += event.remote.bytes;
        remote.ms += event.remote.ms;
      }
      if (event.result === 'uploaded') {
        remote.uploads++;
        remote.uploadedBytes += event.bytes ?? 0;
      }
    }
    const lookups = events.hit + events.miss;
    return { entries, blobs, bytes, events, hitRate: lookups === 0 ? 0 : events.hit / lookups, remote };
  }

  /** Evicts least-recently-used entries until the blobs fit in `maxBytes` (default: the store's limit). */
  async gc(options: { maxBytes?: number } = {}): Promise<GcResult> {
    const lock = await acquire(this.paths.gcLock);
    try {
      return await collectGarbage(this.paths, options.maxBytes ?? this.maxBytes);
    } finally {
      await lock.release();
    }
  }

  /**
   * Why nothing can be stored here (a read-only or unwritable store), or
   * undefined: checked before a build, so that the build can run without the
   * cache and say why instead of failing every store.
   */
  async writeProblem(): Promise<string | undefined> {
    const probe = this.paths.temp();
    try {
      // A store this creates is private: its server copies into it whatever files its clients name.
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      // Says EROFS where a write would first fail to make tmp/ with a less telling error.
      await access(this.root, constants.W_OK);
      await inDir(this.paths.tmp, () => writeFile(probe, '', { flag: 'wx' }));
      await unlinkIfExists(probe);
      return undefined;
    } catch (error) {
      return `store ${this.root} is not writable (${errorMessage(error)})`;
    }
  }

  /** Removes everything under the root. */
  async clear(): Promise<void> {
    for (const name of await readdirIfExists(this.root)) {
      await rm(join(this.root, name), { recursive: true, force: true });
    }
  }

  /** Installs the remote entry of `key` (blobs, entry, manifest candidate) and returns it; undefined on any failure, which is logged. */
  private async fetchEntry(key: string, origin: Origin, remote: RemoteSession): Promise<EntryMeta | undefined> {
    const call = { store: this, crateName: origin.crateName, spent: this.spent };
    const record = origin.record ?? (await this.remoteRecord(remote, origin.baseKey, key, call));
    if (!record) return undefined;
    return this.remoteAnswer(async () => {
      if (!(await remote.fetchBlobs(record, call))) return undefined;
      await this.writeEntry(record.entry);
      await addManifestCandidate(this.paths, origin.baseKey, record.candidate);
      this.fetched.set(key, { ...this.spent });
      return record.entry;
    }, undefined);
  }

  private async logRemoteProblem({ session, reason }: { session: string; reason: string }): Promise<void> {
    if (problemsLogged.has(`${session}\0${reason}`)) return;
    problemsLogged.add(`${session}\0${reason}`);
    await this.recordEvent({ at: Date.now(), session: session || undefined, result: 'remote-error', reason, ms: 0 });
  }

  private remoteRecord(remote: RemoteSession, baseKey: string, key: string, call: RemoteCall): Promise<RecordBody | undefined> {
    let record = this.remoteRecords.get(key);
    if (!record) this.remoteRecords.set(key, (record = this.remoteAnswer(() => remote.record(baseKey, key, call), undefined)));
    return record;
  }

  /** A remote step's answer; a local failure on the way (a full disk) is logged and read as `fallback`. */
  private async remoteAnswer<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.recordEvent({ at: Date.now(), session: this.remote?.session || undefined, result: 'error', reason: `remote entry not used: ${errorMessage(error)}`, ms: 0 });
      return fallback;
    }
  }

  private async counted(put: PutBlobResult): Promise<{ blob: string; size: number }> {
    if (put.added) await addToByteCounter(this.paths, put.size);
    return { blob: put.blob, size: put.size };
  }

  /** gc after a write only when the byte counter says the limit is passed, and only if no other gc runs. */
  private async collectIfFull(): Promise<void> {
    if ((await readByteCounter(this.paths)) <= this.maxBytes) return;
    try {
      const lock = await tryAcquire(this.paths.gcLock);
      if (!lock) return;
      try {
        await collectGarbage(this.paths, Math.floor(this.maxBytes * AUTO_GC_TARGET));
      } finally {
        await lock.release();
      }
    } catch (error) {
      // The entry is stored; a failed gc must not fail the build.
      await this.recordEvent({ at: Date.now(), result: 'error', reason: `gc: ${errorMessage(error)}`, ms: 0 });
    }
  }
}

/** Runs `fn` holding the claim on `key`, releasing it however `fn` ends. */
export async function withClaim<T>(store: CrateStore, key: string, fn: () => Promise<T>, options?: ClaimOptions): Promise<T> {
  const claim = await store.claim(key, options);
  try {
    return await fn();
  } finally {
    await claim.release();
  }
}
