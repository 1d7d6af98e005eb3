import { DamagedEntryError } from '../store/errors.js';
import { errorMessage } from '../fs-util.js';
import { hashFile } from '../hash.js';
import type { StoreLayout } from '../store/layout.js';
import type { CacheEvent, EntryMeta, ManifestCandidate, RemoteUse, StoredFile } from '../store/types.js';
import { RemoteError, type RemoteBackend } from './backend.js';
import type { RemoteConfig } from './config.js';
import type { RemoteHealth } from './health.js';
import { signRecord, verifyRecord, type RecordBody } from './record.js';
import type { UploadQueue } from './uploads.js';

/**
 * The remote's layout under its prefix: one signed record per key, grouped
 * by base key so a reader can list the source sets recorded for it, and
 * content-addressed blobs. `v1` is the record format's major version.
 */
export const REMOTE_LAYOUT = {
  records: (baseKey: string) => `v1/records/${baseKey}/`,
  record: (baseKey: string, key: string) => `v1/records/${baseKey}/${key}.json`,
  blob: (blob: string) => `v1/blobs/${blob}`,
};

/** Records read per base key, newest first: as many source sets as the local manifest keeps. */
export const MAX_REMOTE_RECORDS = 8;

const RECORD_NAME = /\/([0-9a-f]{2,128})\.json$/;

/** One remote as a process uses it: its backend and its upload queue, shared by every session. */
export interface RemoteCache {
  config: RemoteConfig;
  backend: RemoteBackend;
  uploads: UploadQueue;
}

/**
 * What the remote needs of the local store (a CrateStore): its blobs,
 * entries and event log. Named here rather than imported, so that the store,
 * which holds a RemoteSession, and the remote do not import each other.
 */
export interface LocalStore {
  readonly paths: StoreLayout;
  putBlobFromChunks(chunks: AsyncIterable<Buffer>, expected: { blob: string; size: number }): Promise<{ blob: string; size: number }>;
  hasBlob(file: Pick<StoredFile, 'blob' | 'size'>): Promise<boolean>;
  readLocalEntry(key: string): Promise<EntryMeta | undefined>;
  recordEvent(event: CacheEvent): Promise<boolean>;
}

/** Who a remote call is made for: the local store (events, blobs) and the unit, with its running cost. */
export interface RemoteCall {
  store: LocalStore;
  crateName?: string;
  spent: RemoteUse;
}

/**
 * The remote as one run (session) sees it. Every way a remote call can go
 * wrong ends here as a miss: a failed call is logged and counted toward
 * skipping the remote; a record or blob that does not verify is rejected and
 * logged. Nothing the remote returns reaches the local store unverified.
 */
export class RemoteSession {
  constructor(
    private readonly remote: RemoteCache,
    readonly session: string,
    private readonly health: RemoteHealth,
  ) {}

  get writes(): boolean {
    return this.remote.config.signing !== undefined;
  }

  /** Keys recorded on the remote for `baseKey`, newest first. */
  async recordKeys(baseKey: string, call: RemoteCall): Promise<string[]> {
    const objects = await this.guarded(call, () => this.remote.backend.list(REMOTE_LAYOUT.records(baseKey), MAX_REMOTE_RECORDS));
    return (objects ?? []).map((object) => RECORD_NAME.exec(object.name)?.[1]).filter((key): key is string => key !== undefined);
  }

  /** The record of `key`, if it is on the remote and verifies. */
  async record(baseKey: string, key: string, call: RemoteCall): Promise<RecordBody | undefined> {
    const text = await this.guarded(call, () => this.remote.backend.read(REMOTE_LAYOUT.record(baseKey, key)));
    if (text === undefined) return undefined;
    const { trusted, unverified } = this.remote.config;
    const verdict = verifyRecord(text.toString('utf8'), { key, baseKey }, { keys: trusted, unverified });
    if (verdict.ok) return verdict.body;
    await this.event(call, { result: 'rejected', key, reason: `remote record rejected: ${verdict.problem}` });
    return undefined;
  }

  /**
   * Downloads the record's blobs into the local store, each checked against
   * its hash in the record as it is written. True when every blob is local.
   */
  async fetchBlobs(record: RecordBody, call: RemoteCall): Promise<boolean> {
    if (!(await this.health.usable())) return false;
    const results = await Promise.allSettled(record.entry.files.map((file) => this.fetchBlob(file, call)));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (!failure) return true;
    const error = failure.reason as unknown;
    if (error instanceof RemoteError) await this.failed(call, error.message);
    else if (error instanceof BlobRejected) await this.event(call, { result: 'rejected', key: record.key, reason: `remote entry rejected: ${error.message}` });
    else throw error;
    return false;
  }

  /**
   * Uploads the entry of `candidate` from the local store, in the background,
   * unless its record is already on the remote. Blobs go first and the
   * signed record last, so a record never names a blob that is not there.
   */
  upload(baseKey: string, candidate: ManifestCandidate, call: Omit<RemoteCall, 'spent'>, options: { quietIfPresent: boolean }): void {
    if (!this.writes) return;
    this.remote.uploads.add(this.session, () => this.uploadNow(baseKey, candidate, { ...call, spent: { bytes: 0, ms: 0 } }, options.quietIfPresent));
  }

  private async uploadNow(baseKey: string, candidate: ManifestCandidate, call: RemoteCall, quietIfPresent: boolean): Promise<void> {
    const started = Date.now();
    const notUploaded = (reason: string) => this.event(call, { result: 'not-uploaded', key: candidate.key, reason, ms: Date.now() - started });
    try {
      const outcome = await this.uploadEntry(baseKey, candidate, call);
      if (outcome === 'uploaded') return;
      if (outcome === 'present' && quietIfPresent) return;
      await notUploaded(UPLOAD_OUTCOMES[outcome]);
    } catch (error) {
      if (error instanceof RemoteError) await this.failed(call, error.message);
      await notUploaded(`upload failed: ${errorMessage(error)}`);
    }
  }

  /** The upload itself; 'uploaded' has logged its own event with the bytes sent. */
  private async uploadEntry(baseKey: string, candidate: ManifestCandidate, call: RemoteCall): Promise<'uploaded' | keyof typeof UPLOAD_OUTCOMES> {
    const { backend, config } = this.remote;
    const started = Date.now();
    const name = REMOTE_LAYOUT.record(baseKey, candidate.key);
    if (!(await this.health.usable())) return 'skipped';
    if (await backend.exists(name)) return 'present';
    const entry = await call.store.readLocalEntry(candidate.key);
    if (!entry) return 'gone';
    call.crateName ??= entry.crateName;
    let bytes = 0;
    for (const file of entry.files) bytes += await this.uploadBlob(file, call.store);
    const text = Buffer.from(signRecord({ key: candidate.key, baseKey, candidate, entry }, config.signing as NonNullable<RemoteConfig['signing']>));
    if ((await backend.create(name, { data: text })) === 'exists') return 'raced';
    await this.event(call, { result: 'uploaded', key: candidate.key, bytes: bytes + text.length, ms: Date.now() - started });
    return 'uploaded';
  }

  /** Uploads one blob unless the remote has it; the local copy is checked first, so a damaged one is never spread. */
  private async uploadBlob(file: StoredFile, store: LocalStore): Promise<number> {
    const name = REMOTE_LAYOUT.blob(file.blob);
    if (await this.remote.backend.exists(name)) return 0;
    const path = store.paths.blob(file.blob);
    const actual = await hashFile(path);
    if (actual.hash !== file.blob || actual.size !== file.size) throw new Error(`local blob of ${file.name} is damaged (${path})`);
    return (await this.remote.backend.create(name, { file: path, size: file.size })) === 'created' ? file.size : 0;
  }

  private async fetchBlob(file: StoredFile, call: RemoteCall): Promise<void> {
    if (await call.store.hasBlob(file)) return;
    const name = REMOTE_LAYOUT.blob(file.blob);
    const started = Date.now();
    try {
      const body = await this.remote.backend.openRead(name);
      if (!body) throw new BlobRejected(`blob ${file.blob} of ${file.name} is missing on the remote`);
      await call.store.putBlobFromChunks(transfer(body, name), file);
    } catch (error) {
      if (error instanceof DamagedEntryError) throw new BlobRejected(`blob ${file.blob} of ${file.name} does not match the record (${error.reason})`);
      throw error;
    } finally {
      call.spent.ms += Date.now() - started;
    }
    call.spent.bytes += file.size;
  }

  /** Runs one remote call unless the remote is skipped; a failed call is logged, counted, and read as nothing. */
  private async guarded<T>(call: RemoteCall, work: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.health.usable())) return undefined;
    const started = Date.now();
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      await this.failed(call, error.message);
      return undefined;
    } finally {
      call.spent.ms += Date.now() - started;
    }
  }

  private async failed(call: RemoteCall, reason: string): Promise<void> {
    await this.event(call, { result: 'remote-error', reason: `remote call failed: ${reason}` });
    const skipped = await this.health.failed(reason);
    if (skipped) await this.event(call, { result: 'remote-error', reason: skipped });
  }

  private async event(call: RemoteCall, event: Pick<CacheEvent, 'result' | 'key' | 'reason' | 'bytes'> & { ms?: number }): Promise<void> {
    await call.store.recordEvent({ at: Date.now(), session: this.session || undefined, crateName: call.crateName, ms: 0, ...event });
  }
}

/** Why an entry was not uploaded, as the event log says it. */
const UPLOAD_OUTCOMES = {
  skipped: 'the remote is skipped for the rest of this run',
  present: 'a record for this key is already on the remote; records are never overwritten',
  gone: 'the entry is no longer in the local store',
  raced: 'another writer put a record for this key first; records are never overwritten',
};

/** A blob the remote served that is missing or not what the record names. */
class BlobRejected extends Error {}

/** The body's chunks; a transfer that breaks off (reset, stalled, cut short) is a failed remote call. */
async function* transfer(body: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw new RemoteError('read', name, `the transfer broke off (${errorMessage(error)})`, { cause: error });
  }
}
