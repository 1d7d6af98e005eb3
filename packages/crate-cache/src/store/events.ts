import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { inDir, readTextIfExists } from '../fs-util.js';
import type { CacheEvent, CacheEventResult } from './types.js';

/**
 * One shared log appended with O_APPEND, one write per line. Lines stay under
 * 4 KB so concurrent writers never interleave. One file per process would mean
 * one file per rustc call.
 */
const LOG = 'log.jsonl';
/** The previous log after rotation; read too, so stats keep some history. */
const ROTATED = 'log.1.jsonl';
const MAX_LINE_BYTES = 4000;
/** The log is rotated past this size, so it cannot grow without bound. */
const ROTATE_BYTES = 8 << 20;

export const EVENT_RESULTS: readonly CacheEventResult[] = ['hit', 'miss', 'passthrough', 'damaged', 'error', 'rejected', 'remote-error', 'uploaded', 'not-uploaded'];

export async function appendEvent(dir: string, event: CacheEvent): Promise<void> {
  const line = eventLine(event);
  if (line === undefined) return;
  const file = join(dir, LOG);
  const log = await inDir(dir, () => open(file, 'a'));
  let size: number;
  try {
    await log.write(line);
    size = (await log.stat()).size;
  } finally {
    await log.close();
  }
  // Two writers rotating at once may drop one old log; lines are never torn.
  if (size > ROTATE_BYTES) await rename(file, join(dir, ROTATED));
}

export async function readEventLog(dir: string, filter: { session?: string } = {}): Promise<CacheEvent[]> {
  const events: CacheEvent[] = [];
  for (const name of [ROTATED, LOG]) {
    const text = (await readTextIfExists(join(dir, name))) ?? '';
    for (const line of text.split('\n')) {
      const event = parseEvent(line);
      if (event && (filter.session === undefined || event.session === filter.session)) events.push(event);
    }
  }
  return events;
}

/** The JSON line for `event`, its reason shortened to fit; undefined if even that does not fit. */
function eventLine(event: CacheEvent): string | undefined {
  let current = event;
  for (;;) {
    const line = `${JSON.stringify(current)}\n`;
    if (Buffer.byteLength(line) <= MAX_LINE_BYTES) return line;
    if (!current.reason) return undefined;
    current = { ...current, reason: current.reason.slice(0, current.reason.length >> 1) };
  }
}

function parseEvent(line: string): CacheEvent | undefined {
  if (line === '') return undefined;
  try {
    const value = JSON.parse(line) as CacheEvent;
    const ok = typeof value.at === 'number' && typeof value.ms === 'number' && EVENT_RESULTS.includes(value.result);
    return ok ? value : undefined;
  } catch {
    return undefined; // a line cut short by a full disk; the rest of the log is still good
  }
}
