import { CargoModelError } from './errors.js';
import type { FileSystem } from './file-system.js';
import { parseLockfile, resolveLockDependencies, type Lockfile } from './lockfile.js';
import { joinPath } from './paths.js';

/**
 * Each Cargo workspace's Cargo.lock, parsed once: undefined where there is
 * none; a lockfile that does not parse, or whose entries name a package it
 * does not hold, is kept in `errors` (with its file and the reason) rather
 * than thrown, so one broken lock hides only its own closures. References
 * are resolved here, all at once, so that no later walk meets a broken one.
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
      for (const pkg of lock?.packages ?? []) resolveLockDependencies(lock as Lockfile, pkg);
    } catch (error) {
      lock = undefined;
      if (!(error instanceof CargoModelError)) throw error;
      this.errors.push(error);
    }
    this.cache.set(workspaceDir, lock);
    return lock;
  }
}
