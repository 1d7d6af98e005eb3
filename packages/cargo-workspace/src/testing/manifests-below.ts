import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every Cargo.toml below `root`, repo-relative, as Nx would hand them to the plugin. */
export function manifestsBelow(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name === 'Cargo.toml')
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}
