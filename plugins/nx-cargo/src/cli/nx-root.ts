import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Nx workspace root: the nearest folder at or above `from` with an nx.json; undefined when there is none. */
export function findNxRoot(from: string = process.cwd()): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
