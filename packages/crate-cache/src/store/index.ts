export { CrateStore, withClaim, type CrateStoreOptions } from './crate-store.js';
export type { RestoreMode } from './blobs.js';
export { acquire, type Claim, type ClaimOptions } from './claims.js';
export { DamagedEntryError, StoreError } from './errors.js';
export { defaultStoreRoot, nxCargoCacheHome, StoreLayout, tempName } from './layout.js';
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
