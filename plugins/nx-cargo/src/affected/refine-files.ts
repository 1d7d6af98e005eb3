import { CargoModelError, dirOf, parseLockfile, type Lockfile } from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';
import { cratesReachingChanges, type LockCrate } from './crate-selection.js';
import { changedExternalPackages } from './lock-diff.js';
import { isWorkspaceRootManifest, sameManifestData } from './manifest-compare.js';

/** Where the two sides of a change are read from; paths are relative to the Nx workspace root. */
export interface ChangeSources {
  /** The file as it was at the base (merge base), or undefined when it did not exist. */
  readBefore(path: string): string | undefined;
  /** The file as it is now (head, or the working tree), or undefined when it was deleted. */
  readAfter(path: string): string | undefined;
  /** The crates, as they are now, of the Cargo workspace rooted at `dir` ('' for the root). */
  workspaceCrates(dir: string): LockCrate[];
}

export interface Refinement {
  /** The file list to hand to `nx affected --files`. */
  files: string[];
  /** One line per file that was replaced, dropped or kept against expectation, saying why. */
  notes: string[];
}

const isNamed = (file: string, name: string) => posix.basename(file) === name;

/**
 * Narrows a list of changed files for `nx affected`: each Cargo.lock is
 * replaced by the manifests of the crates its change reaches, and a workspace
 * root Cargo.toml whose TOML data did not change is dropped. Anything that
 * cannot be decided precisely (a lockfile that does not parse or was deleted,
 * one no crate uses) stays in the list, which keeps Nx's safe superset.
 */
export function refineChangedFiles(changedFiles: readonly string[], sources: ChangeSources): Refinement {
  const files: string[] = [];
  const notes: string[] = [];
  for (const file of changedFiles) {
    if (isNamed(file, 'Cargo.lock')) {
      const replaced = refineLockfile(file, sources);
      notes.push(replaced.note);
      files.push(...replaced.files);
    } else if (isNamed(file, 'Cargo.toml') && isRootManifest(file, sources)) {
      if (sameManifestData(file, sources.readBefore(file), sources.readAfter(file))) {
        notes.push(`${file}: only comments or formatting changed; left out`);
      } else {
        files.push(file);
      }
    } else {
      files.push(file);
    }
  }
  return { files: [...new Set(files)], notes };
}

function isRootManifest(file: string, sources: ChangeSources): boolean {
  return isWorkspaceRootManifest(file, sources.readAfter(file)) || isWorkspaceRootManifest(file, sources.readBefore(file));
}

function readLock(file: string, text: string | undefined): Lockfile | undefined {
  return text === undefined ? undefined : parseLockfile(file, text);
}

function refineLockfile(file: string, sources: ChangeSources): { files: string[]; note: string } {
  const keep = (why: string) => ({ files: [file], note: `${file}: ${why}; kept, so every crate that hashes it is affected` });
  const afterText = sources.readAfter(file);
  if (afterText === undefined) return keep('deleted');
  let before: Lockfile | undefined;
  let after: Lockfile | undefined;
  let changed: Set<string>;
  try {
    before = readLock(file, sources.readBefore(file));
    after = readLock(file, afterText);
    changed = changedExternalPackages(before, after);
  } catch (error) {
    if (error instanceof CargoModelError) return keep(`cannot be compared (${error.message})`);
    throw error;
  }
  const crates = sources.workspaceCrates(dirOf(file));
  if (crates.length === 0) return keep('no Cargo workspace crate uses it');
  let reached;
  try {
    reached = cratesReachingChanges(changed, before, after, crates);
  } catch (error) {
    if (error instanceof CargoModelError) return keep(`cannot be compared (${error.message})`);
    throw error;
  }
  const manifests = reached.map((entry) => entry.crate.manifestFile);
  const what = changed.size === 0 ? 'no external package changed' : `${changed.size} external package(s) changed (${[...changed].sort().map(shortKey).join(', ')})`;
  const whom = manifests.length === 0 ? 'no crate reaches them' : `reaching ${reached.map((entry) => entry.crate.name).join(', ')}`;
  return { files: manifests, note: `${file}: ${what}, ${whom}` };
}

/** "regex 1.7.1 registry+https://..." as "regex@1.7.1". */
function shortKey(key: string): string {
  const [name, version] = key.split(' ');
  return `${name}@${version}`;
}
