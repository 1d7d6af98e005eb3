import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The workspace to normalize paths against when the caller did not say
 * (`NX_CARGO_CRATE_CACHE_WORKSPACE`): cargo runs rustc for workspace members
 * from the workspace root, the nearest folder up with a Cargo.lock.
 */
export function findWorkspaceRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'Cargo.lock'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}
