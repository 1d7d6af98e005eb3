import { posix } from 'node:path';

/** Joins and normalizes repository-relative paths; the root is ''. */
export function joinPath(...parts: string[]): string {
  const joined = posix.normalize(posix.join(...parts.filter((part) => part !== '')));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** The folder holding a repository-relative file. */
export function dirOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === '.' ? '' : dir;
}

/** True when `path` is `dir` or lies below it, compared by whole components. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/** True when a joined path climbs above the repository root. */
export function escapesRoot(path: string): boolean {
  return path === '..' || path.startsWith('../');
}
