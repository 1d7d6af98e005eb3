import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/** The Nx workspace root: the nearest folder at or above `from` with an nx.json; undefined when there is none. */
export function findNxRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The Nx workspace root around `cwd`, or an error telling `tool`'s user where to run it. */
export function requireNxRoot(cwd: string, tool: string): string {
  const root = findNxRoot(cwd);
  if (root === undefined) throw new CliError(`no nx.json in ${cwd} or above: run ${tool} inside an Nx workspace`);
  return root;
}
