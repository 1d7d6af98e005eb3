/**
 * A store operation that failed. It names the file involved and says why, so a
 * broken cache directory is diagnosable from the message alone.
 */
export class StoreError extends Error {
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = new.target.name;
    this.file = file;
    this.reason = reason;
  }
}

/**
 * Stored data that is missing or no longer matches its hash. The caller treats
 * the entry as a miss (after `markDamaged`) and recompiles; it never restores it.
 */
export class DamagedEntryError extends StoreError {}
