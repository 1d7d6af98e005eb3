import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DirEntry, FileSystem } from './file-system.js';

/** FileSystem over the real disk below `root`; missing paths read as absent. */
export function nodeFileSystem(root: string): FileSystem {
  return {
    readFile(path) {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    readDir(path): DirEntry[] {
      try {
        return readdirSync(join(root, path), { withFileTypes: true }).map((entry) => ({
          name: entry.name,
          isDirectory: entry.isDirectory(),
        }));
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
  };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
