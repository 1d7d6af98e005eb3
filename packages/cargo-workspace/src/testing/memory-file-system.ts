import type { DirEntry, FileSystem } from '../file-system.js';

/** A file system over a few files, for tests: folders are where files are. */
export function memoryFs(files: Record<string, string>): FileSystem {
  return {
    readFile: (path) => files[path],
    readDir(path) {
      const entries = new Map<string, DirEntry>();
      const prefix = path === '' ? '' : `${path}/`;
      for (const file of Object.keys(files)) {
        if (!file.startsWith(prefix)) continue;
        const [name, ...rest] = file.slice(prefix.length).split('/');
        entries.set(name, { name, isDirectory: rest.length > 0 });
      }
      return [...entries.values()];
    },
  };
}
