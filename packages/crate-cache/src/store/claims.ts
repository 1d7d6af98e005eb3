import { open, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, inDir, isProcessAlive, readTextIfExists, unlinkIfExists } from '../fs-util.js';

/**
 * A per-key claim, so two processes never compile the same unit twice. The
 * claim only saves work: if it is ever wrongly shared, both compile and the
 * atomic entry writes make the second a harmless overwrite.
 */
export interface Claim {
  release(): Promise<void>;
}

export interface ClaimOptions {
  /** How often a waiter looks whether the holder released or died. */
  pollMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  at: number;
}

const DEFAULT_POLL_MS = 100;
/** An empty or unreadable claim file (holder killed between create and write) is honoured this long. */
const UNREADABLE_MS = 10_000;
/**
 * A holder older than this is presumed gone even if its pid answers: the pid
 * may have been reused, or the holder is on another host where we cannot ask.
 * A wrong guess costs one duplicate compile; not guessing could hang a build.
 */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * Takes the lock file `file`: created with O_EXCL holding `{ pid, host, at }`.
 * While another process holds it, waits; a claim whose holder is dead is stolen.
 */
export async function acquire(file: string, options: ClaimOptions = {}): Promise<Claim> {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  for (;;) {
    const claim = await tryAcquire(file);
    if (claim) return claim;
    await sleep(pollMs);
  }
}

/** Like `acquire`, but undefined at once if a live holder has it. */
export async function tryAcquire(file: string): Promise<Claim | undefined> {
  for (;;) {
    const content = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() } satisfies Holder);
    if (await tryCreate(file, content)) return claimOn(file, content);
    const held = await readTextIfExists(file);
    if (held === undefined) continue; // released between our create and read
    if (!(await isAbandoned(file, held)) || !(await steal(file, held))) return undefined;
  }
}

/** True if `file`'s holder is dead (same host), unreadable for long, or too old; for gc's sweep too. */
export async function isAbandoned(file: string, held: string): Promise<boolean> {
  const holder = parseHolder(held);
  if (!holder) {
    const stats = await stat(file).catch(() => undefined);
    return stats !== undefined && Date.now() - stats.mtimeMs > UNREADABLE_MS;
  }
  if (Date.now() - holder.at > ABANDONED_AFTER_MS) return true;
  return holder.host === hostname() && !isProcessAlive(holder.pid);
}

/**
 * Removes `file` if it still holds `stale`. A guard file makes the check and
 * the unlink one step, so two stealers cannot both remove the stale claim and
 * then one remove the claim the other just took. False if another steal is in
 * progress.
 */
async function steal(file: string, stale: string): Promise<boolean> {
  const guard = `${file}.steal`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() } satisfies Holder);
  if (!(await tryCreate(guard, mine))) {
    const other = await readTextIfExists(guard);
    // A stealer killed while holding the guard would block every later steal.
    if (other !== undefined && (await isAbandoned(guard, other))) await unlinkIfExists(guard);
    return false;
  }
  try {
    if ((await readTextIfExists(file)) === stale) await unlinkIfExists(file);
  } finally {
    await unlinkIfExists(guard);
  }
  return true;
}

async function tryCreate(file: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await inDir(dirname(file), () => open(file, 'wx'));
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlinkIfExists(file);
    throw error;
  }
  await handle.close();
  return true;
}

function claimOn(file: string, content: string): Claim {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Only our own claim: if it was judged abandoned and stolen, the file is someone else's now.
      if ((await readTextIfExists(file)) === content) await unlinkIfExists(file);
    },
  };
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Holder;
    const ok = Number.isSafeInteger(value.pid) && value.pid > 0 && typeof value.host === 'string' && typeof value.at === 'number';
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}
