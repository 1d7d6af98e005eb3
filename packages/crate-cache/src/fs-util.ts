import type { Stats } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when something is at `file`; any error reads as nothing there. */
export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function statIfExists(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Unlinks `file`; false if it was already gone (another process may have removed it first). */
export async function unlinkIfExists(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Runs `op`, and if it fails with ENOENT creates `dir` and runs it once more.
 * Directories are made on demand rather than up front: `clear()` (or a fresh
 * root) may remove them at any time.
 */
export async function inDir<T>(dir: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    await mkdir(dir, { recursive: true });
    return op();
  }
}

/** Moves a finished temp file into place; readers see the old file or the whole new one. */
export async function install(temp: string, dest: string): Promise<void> {
  try {
    await inDir(dirname(dest), () => rename(temp, dest));
  } catch (error) {
    await unlinkIfExists(temp);
    throw error;
  }
}

/** Writes `data` to `temp` (a fresh store temp path) and renames it to `dest`. */
export async function writeFileAtomic(temp: string, dest: string, data: string | Buffer, mode = 0o644): Promise<void> {
  await inDir(dirname(temp), () => writeFile(temp, data, { flag: 'wx', mode }));
  await install(temp, dest);
}

/** False only when the pid certainly does not exist (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/** Files of a `<dir>/<2 hex>/<name>` tree, with their shard. */
export async function listSharded(dir: string): Promise<Array<{ shard: string; name: string; path: string }>> {
  const found: Array<{ shard: string; name: string; path: string }> = [];
  for (const shard of await readdirIfExists(dir)) {
    for (const name of await readdirIfExists(join(dir, shard))) {
      found.push({ shard, name, path: join(dir, shard, name) });
    }
  }
  return found;
}

export async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}
