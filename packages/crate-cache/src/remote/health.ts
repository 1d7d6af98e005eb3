import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hash } from 'blake3';
import { errorCode } from '../fs-util.js';

/** Failures without a session (plain cargo) count only this long: there is no run to end them. */
const UNNAMED_WINDOW_MS = 15 * 60 * 1000;
/** Failure logs older than this are removed when a new one starts. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Counts a run's failed remote calls, so that after `max` of them the
 * remote is skipped for the rest of the run. The count lives in a file of
 * the store (one line per failure, appended with O_APPEND), because a run's
 * rustc calls may be served by several processes (the server, in-process
 * wrappers); the call whose line is the `max`-th says so, once, however
 * the appends of concurrent calls interleave.
 */
export class RemoteHealth {
  private tripped = false;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly session: string,
    private readonly max: number,
  ) {
    this.file = join(dir, `failures-${hash(session || '(none)').toString('hex').slice(0, 16)}.log`);
  }

  async usable(): Promise<boolean> {
    if (this.tripped) return false;
    this.tripped = (await this.failures()).length >= this.max;
    return !this.tripped;
  }

  /** Counts a failure; returns the line to log when this one makes the remote skipped. */
  async failed(reason: string): Promise<string | undefined> {
    const first = !(await stat(this.file).catch(() => undefined));
    if (first) await this.removeOld();
    const id = randomBytes(6).toString('hex');
    await appendFile(this.file, `${Date.now()} ${id} ${reason.replace(/\s+/g, ' ')}\n`);
    const failures = await this.failures();
    if (failures.length < this.max) return undefined;
    this.tripped = true;
    return failures[this.max - 1] === id ? `remote skipped for the rest of this run after ${this.max} failed calls (last: ${reason})` : undefined;
  }

  /** The ids of the run's failures, in the order they were logged. */
  private async failures(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const since = this.session ? 0 : Date.now() - UNNAMED_WINDOW_MS;
    return text
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([at, id]) => id !== undefined && Number(at) >= since)
      .map(([, id]) => id);
  }

  private async removeOld(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const cutoff = Date.now() - KEEP_MS;
    for (const name of await readdir(this.dir)) {
      const file = join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
    }
  }
}
