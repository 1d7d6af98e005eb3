/** One output file of a compile, as recorded in an entry. */
export interface StoredFile {
  /** Path relative to the unit's out-dir; may contain '/'. */
  name: string;
  /** blake3 hex of the contents. */
  blob: string;
  size: number;
  executable: boolean;
  /** The caller stored normalized text (path sentinels) and rewrites it on restore; to the store it is bytes. */
  rewrite: boolean;
}

export interface KeyPart {
  class: string;
  name: string;
  value: string;
}

/** The meta record of one cache entry. */
export interface EntryMeta {
  key: string;
  baseKey: string;
  crateName: string;
  createdAt: number;
  files: StoredFile[];
  stdout: string;
  stderr: string;
  parts: KeyPart[];
}

/** A source set recorded by an earlier compile with the same base key; opaque to the store. */
export interface ManifestCandidate {
  sources: Array<{ path: string; hash: string | null }>;
  envs: Array<{ name: string; value: string | null }>;
  macro?: MacroReadSet;
  key: string;
}

/** Proc macros' reads with what they found: values, content hashes, existence, folder listings (null: absent). */
export interface MacroReadSet {
  envs: Array<{ name: string; value: string | null }>;
  files: Array<{ path: string; hash: string | null }>;
  probes: Array<{ path: string; exists: boolean }>;
  dirs: Array<{ path: string; listing: string | null }>;
}

/**
 * The remote's results: `rejected`, a remote record or blob that failed
 * verification (the unit then misses); `remote-error`, a remote call that
 * failed (and the one line that says the remote is skipped for the rest of
 * the run); `uploaded` / `not-uploaded`, a writer's upload of an entry.
 */
export type CacheEventResult = 'hit' | 'miss' | 'passthrough' | 'damaged' | 'error' | 'rejected' | 'remote-error' | 'uploaded' | 'not-uploaded';

/** Time and bytes spent on the remote for one unit. */
export interface RemoteUse {
  bytes: number;
  ms: number;
}

export interface CacheEvent {
  at: number;
  session?: string;
  crateName?: string;
  result: CacheEventResult;
  key?: string;
  reason?: string;
  ms: number;
  bytes?: number;
  /** On a hit: the entry came from the remote, at this cost. */
  remote?: RemoteUse;
}

/** The key of the most recent entry stored for a crate name, for `why-miss`. */
export interface LastParts {
  key: string;
  parts: KeyPart[];
}

export interface StoreStats {
  entries: number;
  blobs: number;
  /** Total size of all blobs. */
  bytes: number;
  events: Record<CacheEventResult, number>;
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number;
  /** Hits whose entry came from the remote, and what fetching them cost; uploads and their size. */
  remote: { hits: number; bytes: number; ms: number; uploads: number; uploadedBytes: number };
}

export interface GcResult {
  removedEntries: number;
  removedBlobs: number;
  freedBytes: number;
}
