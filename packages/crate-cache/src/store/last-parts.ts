import { readTextIfExists, writeFileAtomic } from '../fs-util.js';
import type { StoreLayout } from './layout.js';
import type { KeyPart, LastParts } from './types.js';
import { lastPartsProblem } from './validate.js';

/** Remembers the key parts of the newest entry per crate name, so `why-miss` can diff against them. */
export async function writeLastParts(paths: StoreLayout, crateName: string, parts: KeyPart[], key: string): Promise<void> {
  const record: LastParts = { key, parts };
  await writeFileAtomic(paths.temp(), paths.lastParts(crateName), JSON.stringify(record));
}

export async function readLastParts(paths: StoreLayout, crateName: string): Promise<LastParts | undefined> {
  const text = await readTextIfExists(paths.lastParts(crateName));
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return lastPartsProblem(value) === undefined ? (value as LastParts) : undefined;
  } catch {
    return undefined;
  }
}
