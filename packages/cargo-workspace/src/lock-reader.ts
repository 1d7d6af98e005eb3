import { CargoModelError } from './errors.js';
import type { FileSystem } from './file-system.js';
import { parseLockfile, type Lockfile } from './lockfile.js';
import { joinPath } from './paths.js';

/**
 * Each Cargo workspace's Cargo.lock, parsed once: undefined where there is
 * none; a lockfile that does not parse is kept in `errors` (with its file and
 * line) rather than thrown, so one broken lock hides only its own closures.
 */
export class LockfileReader {
  readonly errors: CargoModelError[] = [];
  private readonly cache = new Map<string, Lockfile | undefined>();

  constructor(private readonly fs: FileSystem) {}

  read(workspaceDir: string): Lockfile | undefined {
    if (this.cache.has(workspaceDir)) return this.cache.get(workspaceDir);
    const file = joinPath(workspaceDir, 'Cargo.lock');
    const text = this.fs.readFile(file);
    let lock: Lockfile | undefined;
    try {
      lock = text === undefined ? undefined : parseLockfile(file, text);
    } catch (error) {
      if (!(error instanceof CargoModelError)) throw error;
      this.errors.push(error);
    }
    this.cache.set(workspaceDir, lock);
    return lock;
  }
}
