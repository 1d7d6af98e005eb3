// Task hashes from Nx's own hasher, without running tasks: see task-hashes.cjs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './nx-workspace.mjs';

const WORKER = join(REPO_ROOT, 'tools/support/task-hashes.cjs');

/**
 * `{ "<project>:<target>": hash }` for `targets` of every project that has
 * them (or of `projects`), with `overrides` passed to the tasks as on the
 * command line, and `env` on top of the workspace's environment.
 */
export function taskHashes(ws, { targets, projects, overrides, configuration, env = {} } = {}) {
  const request = JSON.stringify({ targets, projects, overrides, configuration });
  const result = spawnSync(process.execPath, [WORKER, request], {
    cwd: ws.root,
    env: ws.nxEnv({ ...env, NX_CARGO_NX_DIR: ws.packages.packageDir('nx') }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`hashing ${targets} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}
