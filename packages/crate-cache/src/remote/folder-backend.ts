import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode, errorMessage } from '../fs-util.js';
import { tempName } from '../store/layout.js';
import { RemoteError, type CreateBody, type RemoteBackend, type RemoteObject } from './backend.js';

/**
 * A shared folder (a network file system) as the remote. An object is
 * written to a private temp name and then hard-linked to its name: link(2)
 * fails with EEXIST when the name exists (the O_EXCL of renames), so an
 * existing object is never replaced, and a reader never sees a partial one.
 */
export class FolderBackend implements RemoteBackend {
  constructor(private readonly root: string) {}

  async list(prefix: string, limit: number): Promise<RemoteObject[]> {
    const dir = this.path(prefix);
    const names = await this.call('list', prefix, async () => {
      try {
        return await readdir(dir);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return [];
        throw error;
      }
    });
    const objects: RemoteObject[] = [];
    for (const name of names.filter((n) => !n.startsWith('.'))) {
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info?.isFile()) objects.push({ name: `${prefix}${name}`, modified: info.mtimeMs });
    }
    return objects.sort((a, b) => b.modified - a.modified).slice(0, limit);
  }

  async read(name: string): Promise<Buffer | undefined> {
    return this.call('read', name, async () => {
      try {
        return await readFile(this.path(name));
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw error;
      }
    });
  }

  async openRead(name: string): Promise<AsyncIterable<Buffer> | undefined> {
    const file = this.path(name);
    const exists = await this.call('read', name, () => stat(file).then(() => true, (error) => (errorCode(error) === 'ENOENT' ? false : Promise.reject(error))));
    return exists ? fileChunks(file) : undefined;
  }

  async exists(name: string): Promise<boolean> {
    return this.call('check', name, () => stat(this.path(name)).then(() => true, (error) => (errorCode(error) === 'ENOENT' ? false : Promise.reject(error))));
  }

  async create(name: string, body: CreateBody): Promise<'created' | 'exists'> {
    const dest = this.path(name);
    const temp = join(dirname(dest), `.${tempName()}.tmp`);
    return this.call('write', name, async () => {
      await mkdir(dirname(dest), { recursive: true });
      try {
        if ('data' in body) await writeFile(temp, body.data, { flag: 'wx', mode: 0o444 });
        else await copyFile(body.file, temp);
        await link(temp, dest);
        return 'created';
      } catch (error) {
        if (errorCode(error) === 'EEXIST') return 'exists';
        throw error;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    });
  }

  private path(name: string): string {
    return join(this.root, ...name.split('/'));
  }

  private async call<T>(operation: string, name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new RemoteError(operation, name, errorMessage(error), { cause: error });
    }
  }
}

/** Opened when iterated: an error then surfaces in the iteration, never as an unhandled stream event. */
async function* fileChunks(file: string): AsyncGenerator<Buffer> {
  yield* createReadStream(file);
}
