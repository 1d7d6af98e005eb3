/**
 * What the remote cache needs from a store of named objects. Names are
 * relative to the configured prefix and use '/' (`records/<base>/<key>.json`,
 * `blobs/<hash>`). A backend never retries on its own beyond its client's
 * defaults and says what failed in a RemoteError; everything above it treats
 * a failure as a miss.
 */
export interface RemoteBackend {
  /** Objects under `prefix`, newest first, at most `limit`. */
  list(prefix: string, limit: number): Promise<RemoteObject[]>;
  /** A small object's bytes; undefined when there is none. */
  read(name: string): Promise<Buffer | undefined>;
  /** A large object's bytes as they arrive; undefined when there is none. Iteration throws if the transfer breaks. */
  openRead(name: string): Promise<AsyncIterable<Buffer> | undefined>;
  exists(name: string): Promise<boolean>;
  /** Creates the object unless one exists already: an existing name is never overwritten. */
  create(name: string, body: CreateBody): Promise<'created' | 'exists'>;
}

export interface RemoteObject {
  name: string;
  /** ms since the epoch. */
  modified: number;
}

export type CreateBody = { data: Buffer } | { file: string; size: number };

/** A remote call that failed: the operation, the object, and why (timeout, HTTP status, refused connection). */
export class RemoteError extends Error {
  constructor(
    readonly operation: string,
    readonly object: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation} ${object}: ${reason}`, options);
    this.name = 'RemoteError';
  }
}
