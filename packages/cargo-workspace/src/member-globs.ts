import picomatch from 'picomatch';
import type { FileSystem } from './file-system.js';
import type { WorkspaceConfig } from './manifest.js';
import { isWithin, joinPath } from './paths.js';

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

type MemberLists = Pick<WorkspaceConfig, 'members' | 'exclude'>;

/** Cargo's `is_excluded`: under an `exclude` path and not under a literal `members` entry. */
export function isExcludedFromWorkspace(workspaceDir: string, config: MemberLists, dir: string): boolean {
  const under = (entries: readonly string[]) => entries.some((entry) => isWithin(dir, joinPath(workspaceDir, entry)));
  return under(config.exclude) && !under(config.members ?? []);
}

/**
 * Whether `workspace.members` names `dir` (repo-relative): literally, or by
 * a glob that `exclude` does not override. Path dependencies that join a
 * workspace without being listed are not covered here.
 */
export function isListedMember(workspaceDir: string, config: MemberLists, dir: string): boolean {
  const patterns = config.members ?? [];
  if (patterns.some((pattern) => !GLOB_CHARS.test(pattern) && joinPath(workspaceDir, pattern) === dir)) return true;
  const relative = workspaceDir === '' ? dir : isWithin(dir, workspaceDir) ? dir.slice(workspaceDir.length + 1) : undefined;
  if (relative === undefined || isExcludedFromWorkspace(workspaceDir, config, dir)) return false;
  return patterns.some((pattern) => GLOB_CHARS.test(pattern) && picomatch(joinPath(pattern), { dot: true })(relative));
}
