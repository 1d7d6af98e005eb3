import { readTextIfExists, writeFileAtomic } from '../fs-util.js';
import type { StoreLayout } from './layout.js';

export const DEFAULT_MAX_BYTES = 10 * 1024 ** 3;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * `NX_CARGO_CRATE_CACHE_MAX_SIZE`: bytes, or a number with K, M, G or T
 * (binary multiples; `10G`, `1.5G`, `500MiB`, `500MB` all accepted).
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!match) {
    throw new RangeError(`invalid size ${JSON.stringify(text)}: expected bytes or a number with K, M, G or T, like 10G`);
  }
  return Math.floor(Number(match[1]) * UNITS[match[2].toUpperCase()]);
}

/**
 * The byte counter lets a writer decide whether gc is due without listing the
 * store. Concurrent writers may lose an update (read-add-write); that only
 * delays gc, and every gc rewrites the exact total.
 */
export async function readByteCounter(paths: StoreLayout): Promise<number> {
  const value = Number((await readTextIfExists(paths.counter)) ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export async function addToByteCounter(paths: StoreLayout, bytes: number): Promise<void> {
  await writeByteCounter(paths, (await readByteCounter(paths)) + bytes);
}

export async function writeByteCounter(paths: StoreLayout, total: number): Promise<void> {
  await writeFileAtomic(paths.temp(), paths.counter, String(total));
}
