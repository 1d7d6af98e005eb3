import type { FileSystem } from './file-system.js';
import { dirOf, joinPath } from './paths.js';
import { isTable, parseToml, type TomlTable } from './toml.js';

/** `[build] target-dir` (repo-relative) and `target` where cargo's config sets them. */
export interface BuildConfig {
  targetDir?: string;
  target?: string;
}

/**
 * `[build] target-dir` and `target` as cargo sees them when run in `dir`:
 * the nearest `.cargo/config.toml` (or `.cargo/config`) at or above it that
 * sets each (cargo merges the files, nearer first); target-dir is relative
 * to the folder holding `.cargo`. A list of targets builds each into its own
 * folder, so only a single target counts. A config that does not parse is
 * skipped: cargo reports it itself when it runs.
 */
export function buildConfig(fs: FileSystem, dir: string): BuildConfig {
  const found: BuildConfig = {};
  for (let at = dir; ; at = dirOf(at)) {
    const build = configBuildTable(fs, at);
    if (found.targetDir === undefined && typeof build?.['target-dir'] === 'string') found.targetDir = joinPath(at, build['target-dir']);
    if (found.target === undefined && typeof build?.target === 'string') found.target = build.target;
    if (at === '') return found;
  }
}

function configBuildTable(fs: FileSystem, dir: string): TomlTable | undefined {
  for (const name of ['config.toml', 'config']) {
    const file = joinPath(dir, '.cargo', name);
    const text = fs.readFile(file);
    if (text === undefined) continue;
    try {
      const build = parseToml(file, text).build;
      return isTable(build) ? build : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
