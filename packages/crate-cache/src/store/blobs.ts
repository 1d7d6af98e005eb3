import { constants, createReadStream } from 'node:fs';
import { chmod, copyFile, link, open, readFile, rename, utimes, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'blake3';
import { DamagedEntryError, StoreError } from './errors.js';
import { errorCode, errorMessage, inDir, install, statIfExists, unlinkIfExists } from '../fs-util.js';
import { CHUNK_BYTES, hashBuffer, hashFile } from '../hash.js';
import { StoreLayout, tempName } from './layout.js';
import type { StoredFile } from './types.js';

/** Read-only, so that a link to a blob (the test-only 'link' restore) can never write through to it. */
const BLOB_MODE = 0o444;

/** Errors after which a hardlink restore falls back to a copy (other device, no hardlinks, link limit). */
const LINK_FALLBACK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP']);

/**
 * 'copy': a private file (a reflink where the file system can, else a copy),
 * stamped by the kernel as it is written, on the same coarse clock as the
 * files rustc writes (an mtime set from a finer clock can look newer than a
 * dependent compiled just after, which cargo takes for a rebuilt
 * dependency): as if rustc had just written it. 'link': a hard
 * link to the read-only blob, keeping its old mtime; rustc cannot write over
 * such a file and cargo finds it older than its dependencies, so only tests
 * use it, to show what copies fix.
 */
export type RestoreMode = 'link' | 'copy';

/** `added`: this call created the blob (it was not a dedupe). */
export interface PutBlobResult {
  blob: string;
  size: number;
  added: boolean;
}

export async function putBlobFromBuffer(paths: StoreLayout, data: Buffer): Promise<PutBlobResult> {
  const blob = hashBuffer(data);
  const dest = paths.blob(blob);
  if (await reuseExisting(dest, data.length)) return { blob, size: data.length, added: false };
  const temp = paths.temp();
  await inDir(paths.tmp, () => writeFile(temp, data, { flag: 'wx', mode: BLOB_MODE }));
  await install(temp, dest);
  return { blob, size: data.length, added: true };
}

/**
 * Hashes `source` while copying it to a store temp file, then renames the temp
 * file to its blob name: the name is only known once the whole file was read,
 * and a reader never sees a partial blob.
 */
export async function putBlobFromFile(paths: StoreLayout, source: string): Promise<PutBlobResult> {
  try {
    return await putBlobFromChunks(paths, fileChunks(source));
  } catch (error) {
    throw new StoreError(source, `cannot store: ${errorMessage(error)}`, { cause: error });
  }
}

/** The file's chunks; opened only when iterated, so an open error surfaces there rather than as an unhandled stream event. */
async function* fileChunks(source: string): AsyncGenerator<Buffer> {
  yield* createReadStream(source, { highWaterMark: CHUNK_BYTES });
}

/**
 * Stores bytes as they arrive (a download), the same way. With `expected`,
 * bytes that are not that blob are refused (DamagedEntryError, nothing
 * stored): a remote cannot put anything into the store but what a record
 * names.
 */
export async function putBlobFromChunks(paths: StoreLayout, chunks: AsyncIterable<Buffer>, expected?: { blob: string; size: number }): Promise<PutBlobResult> {
  const temp = paths.temp();
  const hasher = createHash();
  let size = 0;
  try {
    const out = await inDir(paths.tmp, () => open(temp, 'wx', BLOB_MODE));
    try {
      for await (const chunk of chunks) {
        hasher.update(chunk);
        size += chunk.length;
        if (expected && size > expected.size) throw new DamagedEntryError(expected.blob, `more than the ${expected.size} bytes it should have`);
        await writeAll(out, chunk);
      }
    } finally {
      await out.close();
    }
  } catch (error) {
    hasher.dispose();
    await unlinkIfExists(temp);
    throw error;
  }
  const blob = hasher.digest('hex');
  const problem = !expected ? undefined : size !== expected.size ? `${size} bytes, expected ${expected.size}` : blob !== expected.blob ? `contents hash to ${blob}` : undefined;
  if (problem) {
    await unlinkIfExists(temp);
    throw new DamagedEntryError((expected as { blob: string }).blob, problem);
  }
  const dest = paths.blob(blob);
  if (await reuseExisting(dest, size)) {
    await unlinkIfExists(temp);
    return { blob, size, added: false };
  }
  await install(temp, dest);
  return { blob, size, added: true };
}

/**
 * Puts the blob's contents at `dest`, verified: the file that becomes visible
 * (the new link, or the copy) is hashed before the rename, so a damaged blob
 * throws DamagedEntryError and leaves `dest` as it was.
 */
export async function restoreFile(paths: StoreLayout, file: StoredFile, dest: string, how: RestoreMode): Promise<void> {
  const blobPath = paths.blob(file.blob);
  const temp = join(dirname(dest), `.${basename(dest)}.${tempName()}.tmp`);
  try {
    await inDir(dirname(dest), () => materialize(blobPath, temp, how));
  } catch (error) {
    if (errorCode(error) === 'ENOENT' && !(await statIfExists(blobPath))) {
      throw new DamagedEntryError(blobPath, 'blob is missing');
    }
    throw new StoreError(dest, `cannot restore ${file.name}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    const actual = await hashFile(temp);
    await rejectMismatch(blobPath, file, actual.size, actual.hash);
    if (how === 'copy') await chmod(temp, file.executable ? 0o755 : 0o644);
    await rename(temp, dest);
  } catch (error) {
    await unlinkIfExists(temp);
    if (error instanceof StoreError) throw error;
    throw new StoreError(dest, `cannot restore ${file.name}: ${errorMessage(error)}`, { cause: error });
  }
  // rename() does nothing when temp and dest are already links to one inode (a repeated link restore).
  if (how === 'link') await unlinkIfExists(temp);
}

/** The blob's contents, verified; for small text files the caller rewrites. */
export async function readBlob(paths: StoreLayout, file: StoredFile): Promise<Buffer> {
  const blobPath = paths.blob(file.blob);
  let data: Buffer;
  try {
    data = await readFile(blobPath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new DamagedEntryError(blobPath, 'blob is missing');
    throw new StoreError(blobPath, `cannot read: ${errorMessage(error)}`, { cause: error });
  }
  await rejectMismatch(blobPath, file, data.length, hashBuffer(data));
  return data;
}

async function materialize(blobPath: string, temp: string, how: RestoreMode): Promise<void> {
  if (how === 'link') {
    try {
      await link(blobPath, temp);
      return;
    } catch (error) {
      if (!LINK_FALLBACK.has(errorCode(error) ?? '')) throw error;
    }
  }
  // FICLONE reflinks where the filesystem can and copies otherwise.
  await copyFile(blobPath, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
}

/**
 * Throws DamagedEntryError unless size and hash match the record. The bad blob
 * is removed, so the recompile that follows stores a good copy rather than
 * deduplicating against it.
 */
async function rejectMismatch(blobPath: string, file: StoredFile, size: number, hash: string): Promise<void> {
  const problem =
    size !== file.size
      ? `size is ${size}, expected ${file.size}`
      : hash !== file.blob
        ? `contents hash to ${hash}, expected ${file.blob}`
        : undefined;
  if (problem === undefined) return;
  await unlinkIfExists(blobPath).catch(() => undefined);
  throw new DamagedEntryError(blobPath, problem);
}

/**
 * Dedupe: an existing blob of the right size is kept. Its mtime is bumped
 * because gc spares only recent unreferenced blobs, and ours is unreferenced
 * until the caller's entry is written. A wrong-sized one is damaged and the
 * caller replaces it.
 */
async function reuseExisting(dest: string, size: number): Promise<boolean> {
  const existing = await statIfExists(dest);
  if (!existing || existing.size !== size) return false;
  const now = new Date();
  // Fails only for a blob another user wrote to a shared store; gc may then reclaim it early (a later miss, not wrong data).
  await utimes(dest, now, now).catch(() => undefined);
  return true;
}

async function writeAll(out: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await out.write(chunk, offset);
    offset += bytesWritten;
  }
}
