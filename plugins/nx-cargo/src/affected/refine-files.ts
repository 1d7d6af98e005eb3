import {
  CargoModelError,
  changedExternalPackages,
  cratesReachingChanges,
  dirOf,
  isWorkspaceRootManifest,
  joinPath,
  loadCargoRepository,
  parseLockfile,
  type FileSystem,
  type LockCrate,
  type Lockfile,
} from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';
import type { InternalPluginOptions } from '../graph/options.js';
import { CRATE_INPUTS_FILE, PROFILES_DIR } from '../graph/workspace-inputs.js';
import { workspaceInputsFiles } from './inputs-files.js';

/** The two sides of a change; paths are relative to the Nx workspace root. */
export interface ChangeSources {
  /** The tree at the base (merge base). */
  before: FileSystem;
  /** The tree now (head, or the working tree). */
  after: FileSystem;
  /** The plugin's options in nx.json, which decide what the inputs files hold (crates left out have none). */
  options?: InternalPluginOptions;
}

export interface Refinement {
  /** The file list to hand to `nx affected --files`. */
  files: string[];
  /** One line per file that was replaced, dropped or widened, saying why. */
  notes: string[];
}

const isNamed = (file: string, name: string) => posix.basename(file) === name;

/** The files nx-cargo's sync generator writes: derived from the Cargo files, which this reads itself. */
function isSyncedInputsFile(file: string): boolean {
  return isNamed(file, CRATE_INPUTS_FILE) || file.startsWith(`${PROFILES_DIR}/`);
}

/**
 * Narrows a list of changed files for `nx affected` to exactly the tasks
 * whose hash the change alters. Cargo tasks hash neither Cargo.lock nor the
 * workspace Cargo.toml as files, only the parts that reach each crate (the
 * texts `nx sync` writes to `.nx-cargo-inputs.txt` beside each crate and to
 * `.nx-cargo/`); so each Cargo.lock is replaced by the manifests of the
 * crates whose external closure its change reaches, and each workspace root
 * Cargo.toml by the manifests of the crates whose part changed and the files
 * of the profiles that changed, computed from both sides here (the committed
 * inputs files may be stale or missing, and are left out). A crate's
 * manifest stands for it: Nx's inputs carry it to the crate's tasks and
 * those of its dependents, as they carry its inputs file. What cannot be
 * compared (a file that does not parse, or was deleted) reaches every crate
 * of its Cargo workspace.
 */
export function refineChangedFiles(changedFiles: readonly string[], sources: ChangeSources): Refinement {
  const files: string[] = [];
  const notes: string[] = [];
  const dropped: string[] = [];
  for (const file of changedFiles) {
    if (isSyncedInputsFile(file)) {
      dropped.push(file);
    } else if (isNamed(file, 'Cargo.lock')) {
      const replaced = refineLockfile(file, sources);
      notes.push(replaced.note);
      files.push(...replaced.files);
    } else if (isNamed(file, 'Cargo.toml') && isRootManifest(file, sources)) {
      const replaced = refineRootManifest(file, sources);
      notes.push(replaced.note);
      // The file itself stays: a task that hashes it whole (a crate at the workspace root) changes with any edit.
      files.push(file, ...replaced.files);
    } else {
      files.push(file);
    }
  }
  if (dropped.length > 0) notes.push(`${dropped.length} nx-cargo inputs file(s) left out (${dropped.slice(0, 3).join(', ')}${dropped.length > 3 ? ', ...' : ''}): computed from the Cargo files instead`);
  return { files: [...new Set(files)], notes };
}

function isRootManifest(file: string, sources: ChangeSources): boolean {
  return isWorkspaceRootManifest(file, sources.after.readFile(file)) || isWorkspaceRootManifest(file, sources.before.readFile(file));
}

/** The crates whose Cargo workspace (or standalone package) is rooted at `dir`, on one side. */
function workspaceCrates(fs: FileSystem, dir: string): LockCrate[] {
  const repository = loadCargoRepository(fs, [joinPath(dir, 'Cargo.toml')]);
  return repository.packages
    .filter((pkg) => pkg.workspaceDir === dir)
    .map((pkg) => ({ name: pkg.name, version: pkg.version, manifestFile: pkg.manifestFile }));
}

/**
 * Every crate of the workspace at `dir`, on either side, and the profile
 * files among the inputs files given (the sides' own, where they were made):
 * what a change that cannot be compared may reach.
 */
function everything(sources: ChangeSources, dir: string, inputsFiles: Array<Map<string, string> | undefined> = []): string[] {
  const manifests = [...workspaceCrates(sources.before, dir), ...workspaceCrates(sources.after, dir)].map((crate) => crate.manifestFile);
  const profiles = inputsFiles.flatMap((files) => [...(files?.keys() ?? [])]).filter((path) => !isNamed(path, CRATE_INPUTS_FILE));
  return [...new Set([...manifests, ...profiles])];
}

function readLock(file: string, text: string | undefined): Lockfile | undefined {
  return text === undefined ? undefined : parseLockfile(file, text);
}

function refineLockfile(file: string, sources: ChangeSources): { files: string[]; note: string } {
  const dir = dirOf(file);
  const widen = (why: string) => ({ files: [file, ...everything(sources, dir)], note: `${file}: ${why}; every crate of its workspace is affected` });
  const afterText = sources.after.readFile(file);
  if (afterText === undefined) return widen('deleted');
  let before: Lockfile | undefined;
  let after: Lockfile | undefined;
  let changed: Set<string>;
  try {
    before = readLock(file, sources.before.readFile(file));
    after = readLock(file, afterText);
    changed = changedExternalPackages(before, after);
  } catch (error) {
    if (error instanceof CargoModelError) return widen(`cannot be compared (${error.message})`);
    throw error;
  }
  const crates = workspaceCrates(sources.after, dir);
  if (crates.length === 0) return { files: [file], note: `${file}: no Cargo workspace crate uses it; kept as a file` };
  let reached;
  try {
    reached = cratesReachingChanges(changed, before, after, crates);
  } catch (error) {
    if (error instanceof CargoModelError) return widen(`cannot be compared (${error.message})`);
    throw error;
  }
  const manifests = reached.map((entry) => entry.crate.manifestFile);
  const what = changed.size === 0 ? 'no external package changed' : `${changed.size} external package(s) changed (${[...changed].sort().map(shortKey).join(', ')})`;
  const whom = manifests.length === 0 ? 'no crate reaches them' : `reaching ${reached.map((entry) => entry.crate.name).join(', ')}`;
  // A crate standing alone, or at the workspace root, hashes its lockfile as one of its own files.
  return { files: [file, ...manifests], note: `${file}: ${what}, ${whom}` };
}

/**
 * The parts of a workspace root manifest that reach crates, on both sides:
 * the manifests of the crates whose part differs, and the profile files that
 * differ.
 */
function refineRootManifest(file: string, sources: ChangeSources): { files: string[]; note: string } {
  const dir = dirOf(file);
  const before = workspaceInputsFiles(sources.before, dir, sources.options);
  const after = workspaceInputsFiles(sources.after, dir, sources.options);
  if (!before || !after) return { files: everything(sources, dir, [before, after]), note: `${file}: ${before ? 'does not parse now' : 'did not parse before'}; every crate of its workspace is affected` };
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();
  const crates = changed.filter((path) => isNamed(path, CRATE_INPUTS_FILE)).map((path) => joinPath(dirOf(path), 'Cargo.toml'));
  const profiles = changed.filter((path) => !isNamed(path, CRATE_INPUTS_FILE));
  const what = [
    crates.length > 0 ? `the parts of ${crates.length} crate(s) (${crates.map((manifest) => dirOf(manifest) || '.').join(', ')})` : '',
    profiles.length > 0 ? `${profiles.map((path) => posix.basename(path, '.txt')).join(', ')}` : '',
  ].filter(Boolean);
  return { files: [...crates, ...profiles], note: `${file}: ${what.length === 0 ? 'no part that reaches a crate changed' : `changed ${what.join(' and ')}`}` };
}

/** "regex 1.7.1 registry+https://..." as "regex@1.7.1". */
function shortKey(key: string): string {
  const [name, version] = key.split(' ');
  return `${name}@${version}`;
}
