import { appendFile, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hash } from 'blake3';
import { errorCode } from '../store/fs-util.js';

/** Failures without a session (plain cargo) count only this long: there is no run to end them. */
const UNNAMED_WINDOW_MS = 15 * 60 * 1000;
/** Failure logs older than this are removed when a new one starts. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Counts a run's failed remote calls, so that after `max` of them the
 * remote is skipped for the rest of the run. The count lives in a file of
 * the store (one line per failure, appended with O_APPEND), because a run's
 * rustc calls may be served by several processes (the server, in-process
 * wrappers); the process whose line is the `max`-th says so, once.
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
    this.tripped = (await this.count()) >= this.max;
    return !this.tripped;
  }

  /** Counts a failure; returns the line to log when this one makes the remote skipped. */
  async failed(reason: string): Promise<string | undefined> {
    const first = !(await stat(this.file).catch(() => undefined));
    if (first) await this.removeOld();
    await appendFile(this.file, `${Date.now()} ${reason.replace(/\s+/g, ' ')}\n`);
    const count = await this.count();
    if (count < this.max) return undefined;
    this.tripped = true;
    return count === this.max ? `remote skipped for the rest of this run after ${this.max} failed calls (last: ${reason})` : undefined;
  }

  private async count(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 0;
      throw error;
    }
    const since = this.session ? 0 : Date.now() - UNNAMED_WINDOW_MS;
    return text.split('\n').filter((line) => line !== '' && Number(line.slice(0, line.indexOf(' '))) >= since).length;
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
