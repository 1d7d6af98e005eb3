import { isTable, parseToml, type BuildScriptExecuted, type CargoMessage, type CompilerArtifact } from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';
import type { Read } from './audit-report.js';
import { parseBuildScriptOutput } from './build-script-output.js';
import { isSetByCargo } from './cargo-env.js';
import { parseDepInfo } from '@nx-cargo/crate-cache';
import { depInfoBesideArtifact, hashedStem, upliftedCandidates } from './dep-info.js';
import { envReadBy, fileReadBy, type SourceText } from './read-origin.js';

/** The file access reading a build's traces needs; absolute paths throughout. */
export interface TraceFileSystem {
  readFile(path: string): string | undefined;
  /** Entry names of a folder; [] when it does not exist. */
  readDir(path: string): string[];
  /** Identity of a file (device and inode), to find the hashed original of an uplifted copy. */
  fileId(path: string): string | undefined;
  isDirectory(path: string): boolean;
  /** Every file below a folder, absolute. */
  filesBelow(path: string): string[];
}

/** Where the build ran. */
export interface BuildPlace {
  /** The Nx workspace root, absolute. */
  nxRoot: string;
  /** Cargo's workspace root (rustc's working directory, which relative dep-info paths start from), absolute. */
  cargoRoot: string;
  /** Cargo's target folder, absolute: what cargo writes there is output, not input. */
  targetDir: string;
  /** The environment cargo ran with (decides whether a cargo config `[env]` entry applies). */
  environment: Record<string, string | undefined>;
}

/** Everything the build read, as far as cargo and rustc recorded it, and what could not be read back. */
export interface BuildTrace {
  reads: Read[];
  /** Units whose record was not found: the audit of those is incomplete. */
  problems: string[];
}

/**
 * What a build read, from cargo's JSON messages and the records they point
 * to: each compiled unit's rustc dep-info (source files, `include_*!` files,
 * `env!`/`option_env!` variables), each build script's
 * `rerun-if-changed`/`rerun-if-env-changed` lines, the manifests and lock
 * file cargo resolved the build from, and the cargo config and rustup
 * toolchain files on the way from cargo's workspace up to the Nx root.
 * Files outside the Nx workspace (registry and git sources, pinned by the
 * lock file), files cargo generated in its target folder and variables
 * cargo sets itself are left out. Of registry and git crates, only the
 * variables they read count, and only those set during the build: their
 * build scripts probe many knobs of the machine's toolchain that are unset
 * on most machines (cc alone names 27 for one C file), see
 * `externalVariableCounts`.
 */
export function traceBuild(messages: readonly CargoMessage[], place: BuildPlace, fs: TraceFileSystem): BuildTrace {
  const reads: Read[] = [];
  const problems: string[] = [];
  const allArtifacts = messages.filter((message): message is CompilerArtifact => message.reason === 'compiler-artifact');
  const artifacts = allArtifacts.filter((artifact) => isLocal(artifact.packageId));
  const scripts = messages.filter((message): message is BuildScriptExecuted => message.reason === 'build-script-executed');
  const packages = new Map<string, { dir: string; name: string; external: boolean }>();
  for (const artifact of allArtifacts) {
    packages.set(artifact.packageId, { dir: posix.dirname(artifact.manifestPath), name: packageName(artifact.packageId, artifact.manifestPath), external: !isLocal(artifact.packageId) });
  }

  const relative = (path: string): string | undefined => {
    const normalized = posix.normalize(path);
    if (normalized === place.targetDir || normalized.startsWith(`${place.targetDir}/`)) return undefined;
    const rel = posix.relative(place.nxRoot, normalized);
    return rel === '' || rel.startsWith('../') || rel === '..' || posix.isAbsolute(rel) ? undefined : rel;
  };
  // Reads with no package behind them ('') are cargo's own, in its workspace.
  const readerOf = (packageId: string): Pick<Read, 'reader' | 'readerPackage' | 'external'> => {
    const pkg = packages.get(packageId) ?? { dir: place.cargoRoot, name: packageId, external: false };
    return pkg.external ? { reader: '', readerPackage: pkg.name, external: true } : { reader: posix.relative(place.nxRoot, pkg.dir), readerPackage: pkg.name };
  };
  const addFile = (path: string, packageId: string, via: string) => {
    const subject = relative(path);
    if (subject !== undefined) reads.push({ kind: 'file', subject, ...readerOf(packageId), via });
  };

  const configEnv = cargoConfigEnv(place, fs, (file, via) => addFile(file, '', via));
  const scriptEnv = new Map<string, Set<string>>();
  for (const script of scripts) {
    const names = scriptEnv.get(script.packageId) ?? new Set<string>();
    for (const [name] of script.env) names.add(name);
    scriptEnv.set(script.packageId, names);
  }

  const seenDepInfo = new Set<string>();
  for (const artifact of artifacts) {
    const crateName = artifact.target.name.replace(/-/g, '_');
    const depInfos = new Set<string>();
    for (const file of artifact.filenames) {
      const found = locateDepInfo(file, crateName, fs);
      if (found) depInfos.add(found);
    }
    if (depInfos.size === 0) {
      problems.push(`no dep-info record found for ${artifact.target.kind.join('/')} target \`${artifact.target.name}\` of ${readerOf(artifact.packageId).readerPackage} (next to ${artifact.filenames.join(', ')})`);
      continue;
    }
    for (const depInfoFile of depInfos) {
      if (seenDepInfo.has(depInfoFile)) continue;
      seenDepInfo.add(depInfoFile);
      const text = fs.readFile(depInfoFile);
      if (text === undefined) continue;
      const info = parseDepInfo(text);
      const files = info.files.map((file) => (posix.isAbsolute(file) ? posix.normalize(file) : posix.join(place.cargoRoot, file)));
      const sources: SourceText[] = files
        .filter((file) => file.endsWith('.rs') && relative(file) !== undefined)
        .map((file) => ({ path: file, text: fs.readFile(file) ?? '' }));
      for (const file of files) addFile(file, artifact.packageId, fileReadBy(file, sources));
      for (const { name, value } of info.env) {
        if (isSetByCargo(name, 'rustc') || scriptEnv.get(artifact.packageId)?.has(name)) continue;
        const read: Read = { kind: 'env', subject: name, ...readerOf(artifact.packageId), via: envReadBy(name, sources) };
        if (value === undefined) read.unset = true;
        else read.value = value;
        const config = configEnv.get(name);
        if (config) read.setBy = config;
        reads.push(read);
      }
    }
  }

  for (const artifact of allArtifacts.filter((candidate) => !isLocal(candidate.packageId))) {
    const crateName = artifact.target.name.replace(/-/g, '_');
    for (const depInfoFile of new Set(artifact.filenames.map((file) => locateDepInfo(file, crateName, fs)))) {
      if (depInfoFile === undefined || seenDepInfo.has(depInfoFile)) continue;
      seenDepInfo.add(depInfoFile);
      const text = fs.readFile(depInfoFile);
      if (text === undefined) continue;
      for (const { name, value } of parseDepInfo(text).env) {
        if (value === undefined || !externalVariableCounts(name, 'rustc', value) || scriptEnv.get(artifact.packageId)?.has(name)) continue;
        reads.push({ kind: 'env', subject: name, value, ...readerOf(artifact.packageId), via: 'recorded by the compiler' });
      }
    }
  }

  for (const script of scripts) {
    const dir = packages.get(script.packageId)?.dir ?? place.nxRoot;
    const external = !isLocal(script.packageId);
    const text = fs.readFile(posix.join(posix.dirname(script.outDir), 'output'));
    if (text === undefined) {
      problems.push(`no recorded output for the build script of ${readerOf(script.packageId).readerPackage} (beside ${script.outDir})`);
      continue;
    }
    const output = parseBuildScriptOutput(text);
    for (const path of output.rerunIfChanged) {
      const full = posix.isAbsolute(path) ? posix.normalize(path) : posix.join(dir, path);
      // A folder means every file below it; a path that does not exist makes cargo rerun every time and has nothing to hash.
      const files = fs.isDirectory(full) ? fs.filesBelow(full) : fs.fileId(full) !== undefined ? [full] : [];
      for (const file of files) addFile(file, script.packageId, 'build script rerun-if-changed');
    }
    for (const name of output.rerunIfEnvChanged) {
      if (isSetByCargo(name, 'build-script')) continue;
      if (external && !externalVariableCounts(name, 'build-script', place.environment[name])) continue;
      const read: Read = { kind: 'env', subject: name, ...readerOf(script.packageId), via: 'build script rerun-if-env-changed' };
      const value = place.environment[name];
      if (value !== undefined) read.value = value;
      const config = configEnv.get(name);
      if (config) read.setBy = config;
      reads.push(read);
    }
  }

  // What cargo resolves every build from: each local package's manifest, and the workspace's manifest and lock file.
  for (const [packageId, pkg] of packages) addFile(posix.join(pkg.dir, 'Cargo.toml'), packageId, 'package manifest');
  for (const [file, via] of [['Cargo.toml', 'workspace manifest'], ['Cargo.lock', 'lock file']]) {
    const full = posix.join(place.cargoRoot, file);
    if (fs.fileId(full) !== undefined) addFile(full, '', via);
  }
  return { reads, problems };
}

/**
 * Whether a variable a registry or git crate read counts: set during the
 * build (its value went into the output) and not set by cargo. Unset, it is
 * one of the many knobs of the machine's toolchain such crates probe (CC,
 * CFLAGS_<target>, HOST_AR, ...): run the audit where CI builds to see those
 * CI sets.
 */
export function externalVariableCounts(name: string, reader: 'rustc' | 'build-script', value: string | undefined): boolean {
  return value !== undefined && !isSetByCargo(name, reader);
}

/**
 * The cargo config and toolchain files cargo and rustup read, from cargo's
 * workspace up to the Nx root (reported through `addFile`), and the
 * variables their `[env]` tables set: name -> workspace-relative config
 * file, for entries that apply (`force = true`, or not already in the
 * environment). The nearest config wins, as in cargo.
 */
function cargoConfigEnv(place: BuildPlace, fs: TraceFileSystem, addFile: (file: string, via: string) => void): Map<string, string> {
  const env = new Map<string, string>();
  for (let dir = place.cargoRoot; ; dir = posix.dirname(dir)) {
    for (const name of ['.cargo/config.toml', '.cargo/config']) {
      const file = posix.join(dir, name);
      const text = fs.readFile(file);
      if (text === undefined) continue;
      addFile(file, 'cargo config');
      let table;
      try {
        table = parseToml(file, text).env;
      } catch {
        continue;
      }
      if (!isTable(table)) continue;
      for (const [key, entry] of Object.entries(table)) {
        const forced = isTable(entry) && entry.force === true;
        if (!env.has(key) && (forced || place.environment[key] === undefined)) env.set(key, posix.relative(place.nxRoot, file));
      }
    }
    for (const name of ['rust-toolchain.toml', 'rust-toolchain']) {
      const file = posix.join(dir, name);
      if (fs.fileId(file) !== undefined && !fs.isDirectory(file)) addFile(file, 'rustup toolchain file');
    }
    if (dir === place.nxRoot || posix.relative(place.nxRoot, dir).startsWith('..') || dir === posix.dirname(dir)) break;
  }
  return env;
}

/**
 * The dep-info file of the unit an artifact belongs to: beside a hashed
 * artifact, or, for an uplifted copy (`target/debug/app`), beside the
 * hashed original that is the same file.
 */
export function locateDepInfo(artifact: string, crateName: string, fs: TraceFileSystem): string | undefined {
  const beside = depInfoBesideArtifact(artifact, crateName);
  if (beside !== undefined) return fs.readFile(beside) !== undefined ? beside : undefined;
  const id = fs.fileId(artifact);
  if (id === undefined) return undefined;
  for (const dir of upliftedCandidates(artifact)) {
    for (const entry of fs.readDir(dir)) {
      const stem = hashedStem(entry, crateName);
      if (stem === undefined || fs.fileId(`${dir}/${entry}`) !== id) continue;
      const depInfo = `${dir}/${stem}.d`;
      if (fs.readFile(depInfo) !== undefined) return depInfo;
    }
  }
  return undefined;
}

/** A package from a path (not a registry or git source): `path+file:///...#0.1.0`, or `name 0.1.0 (path+file:///...)` before cargo 1.77. */
export function isLocal(packageId: string): boolean {
  return packageId.startsWith('path+') || / \(path\+[^)]*\)$/.test(packageId);
}

/** The package's name from its id (`path+file:///x/app#0.1.0`, `path+file:///x/dir#app@0.1.0`, `app 0.1.0 (...)`), else its folder's. */
function packageName(packageId: string, manifestPath: string): string {
  const old = /^(\S+) \S+ \(/.exec(packageId);
  if (old) return old[1];
  const fragment = packageId.split('#')[1] ?? '';
  if (fragment.includes('@')) return fragment.split('@')[0];
  return posix.basename(posix.dirname(manifestPath));
}
