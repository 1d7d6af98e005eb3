import picomatch from 'picomatch';
import type { FileSystem } from './file-system.js';
import { joinPath } from './paths.js';

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Expands one `workspace.members` entry the way Cargo does: component by
 * component against the disk, keeping only directories. A pattern without
 * glob characters is returned as written, as Cargo does, so that a missing
 * folder is reported by whoever loads it. Returns repo-relative folders.
 */
export function expandMemberPattern(fs: FileSystem, workspaceDir: string, pattern: string): string[] {
  const full = joinPath(workspaceDir, pattern);
  if (!GLOB_CHARS.test(pattern)) return [full];
  const components = full.split('/');
  let current = [''];
  for (const component of components) {
    if (!GLOB_CHARS.test(component)) {
      current = current.map((dir) => joinPath(dir, component));
      continue;
    }
    if (component === '**') {
      current = current.flatMap((dir) => [dir, ...descendants(fs, dir)]);
      continue;
    }
    const matches = picomatch(component, { dot: true });
    current = current.flatMap((dir) =>
      fs
        .readDir(dir)
        .filter((entry) => entry.isDirectory && matches(entry.name))
        .map((entry) => joinPath(dir, entry.name)),
    );
  }
  return current.sort();
}

function descendants(fs: FileSystem, dir: string): string[] {
  return fs
    .readDir(dir)
    .filter((entry) => entry.isDirectory)
    .flatMap((entry) => {
      const child = joinPath(dir, entry.name);
      return [child, ...descendants(fs, child)];
    });
}
