export { CrateStore, withClaim, type CrateStoreOptions } from './crate-store.js';
export type { RestoreMode } from './blobs.js';
export type { Claim, ClaimOptions } from './claims.js';
export { DamagedEntryError, StoreError } from './errors.js';
export { defaultStoreRoot, StoreLayout } from './layout.js';
export { MAX_CANDIDATES } from './manifests.js';
export { DEFAULT_MAX_BYTES, parseSize } from './size.js';
export type {
  CacheEvent,
  CacheEventResult,
  EntryMeta,
  GcResult,
  KeyPart,
  LastParts,
  ManifestCandidate,
  RemoteUse,
  StoredFile,
  StoreStats,
} from './types.js';
