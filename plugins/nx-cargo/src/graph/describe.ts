import {
  dirOf,
  externalClosure,
  isPublishable,
  loadCargoRepository,
  lockPathDependencies,
  LockfileReader,
  PROFILE_NAMES,
  resolveLockDependencies,
  type CargoPackage,
  type FileSystem,
  type Lockfile,
  type LockPackage,
} from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';
import { ExternalNodes } from './external-nodes.js';
import { describeBuild } from './crate-build.js';
import { declaredInputs } from './declared-inputs.js';
import { crateSources, type CrateSources } from './crate-sources.js';
import type { InternalPluginOptions } from './options.js';
import { nameCrates, type ForeignProject } from './project-names.js';
import type { CargoProjectMetadata } from './project-metadata.js';
import type { CargoGraph, CrateBuild, CrateDescription, InputsFile } from './types.js';
import {
  crateInputsFile,
  crateInputsText,
  inputsNodeName,
  profileInputsFile,
  profileInputsText,
  textHash,
} from './workspace-inputs.js';

/**
 * Describes every crate reachable from `configFiles` (Cargo.toml files, plus
 * package.json/project.json files whose names a crate must not take),
 * reading through `fs` only; `cargoTargetDir` is CARGO_TARGET_DIR, repo-relative.
 */
export function describeCargoGraph(
  fs: FileSystem,
  configFiles: readonly string[],
  options: InternalPluginOptions | undefined,
  cargoTargetDir?: string,
): CargoGraph {
  const warnings: string[] = [];
  const manifests = configFiles.filter((file) => posix.basename(file) === 'Cargo.toml');
  const repository = loadCargoRepository(fs, manifests);
  const lockfiles = new LockfileReader(fs);
  const externals = new ExternalNodes();

  const local = new LocalPackages(repository.packages);
  const surroundings = {
    cargoTargetDir,
    packageJsonFiles: new Set(configFiles.filter((file) => posix.basename(file) === 'package.json')),
    projectFolders: new Set(configFiles.filter((file) => posix.basename(file) !== 'Cargo.toml').map((file) => dirOf(file))),
    buildConfigs: new Map(),
  };
  const workspaces = new Map(repository.workspaces.map((workspace) => [workspace.dir, workspace]));
  const omitLock = options?.testOnlyOmitInputs?.includes('lockfile-closure') ?? false;
  const inputsFiles: InputsFile[] = [];
  const crates: Array<Omit<CrateDescription, 'sources' | 'workspaceInputs' | 'inputsHash'> & { profilesOf?: string; inputsText: string }> = [];
  const profileWorkspaces = new Set<string>();
  for (const { pkg, projectName, notice } of nameCrates(repository.packages, readForeignProjects(fs, configFiles), options)) {
    if (notice) warnings.push(notice);
    const lock = lockfiles.read(pkg.workspaceDir);
    const closure = lock ? externalClosure(lock, pkg.name, pkg.version) : undefined;
    const workspace = workspaces.get(pkg.workspaceDir);
    const file = { path: crateInputsFile(pkg.dir), text: crateInputsText(pkg, workspace, omitLock ? undefined : closure) };
    inputsFiles.push(file);
    if (workspace) profileWorkspaces.add(workspace.dir);
    crates.push({
      projectName,
      manifestFile: pkg.manifestFile,
      build: describeBuild(fs, pkg, surroundings),
      externalClosure: closure ? closure.map((dep) => externals.nameOf(dep)) : [],
      cargo: projectMetadata(pkg, lock, externals, local),
      declaredInputs: declaredInputs(pkg, options, warnings),
      ...(workspace ? { profilesOf: workspace.dir } : {}),
      inputsText: file.text,
    });
  }
  const profileHashes: Record<string, string> = {};
  for (const dir of [...profileWorkspaces].sort()) {
    for (const profile of PROFILE_NAMES) {
      const file = { path: profileInputsFile(dir, profile), text: profileInputsText(workspaces.get(dir)!, profile) };
      profileHashes[file.path] = textHash(file.text);
      inputsFiles.push(file);
    }
  }
  const crateNodes = crateInputsNodes(crates);
  for (const error of [...repository.errors, ...lockfiles.errors]) warnings.push(error.message);
  const sources = crateSources(
    crates.map((crate) => ({
      projectName: crate.projectName,
      root: crate.build.root,
      pathDependencies: crate.cargo.pathDependencies,
      hasDeclaredInputs: crate.declaredInputs.length > 0,
    })),
  );
  return {
    crates: crates.map(({ profilesOf, inputsText: _text, ...crate }) => {
      const { workspaceInputs, inputsHash } = crateNodes.get(crate.projectName) as { workspaceInputs: CrateDescription['workspaceInputs']; inputsHash: string };
      return {
        ...crate,
        sources: sources.get(crate.projectName) as CrateSources,
        workspaceInputs: { ...workspaceInputs, ...(profilesOf !== undefined ? { profilesOf } : {}) },
        inputsHash,
      };
    }),
    externalNodes: externals.nodes,
    profileHashes,
    inputsFiles,
    warnings,
  };
}

/**
 * One external node per crate, named after its inputs file, hashed by that
 * file's text and the hashes of the nodes of the local crates it builds
 * against (normal and build dependencies), so that one node in a task's
 * inputs covers the crate's whole build closure; tests add the nodes of the
 * crate's dev-dependencies. Listing every crate of a closure instead made a
 * 500-crate graph four times the size.
 */
function crateInputsNodes(crates: ReadonlyArray<{ projectName: string; build: CrateBuild; cargo: CargoProjectMetadata; inputsText: string }>) {
  const rootOf = (crate: { build: CrateBuild }) => (crate.build.root === '.' ? '' : crate.build.root);
  const byDir = new Map(crates.map((crate) => [rootOf(crate), crate]));
  const nodeOf = (crate: { build: CrateBuild }) => inputsNodeName(crateInputsFile(rootOf(crate)));
  const dependencies = (crate: (typeof crates)[number], dev: boolean) => [
    ...new Set(
      crate.cargo.pathDependencies
        .filter((dependency) => (dependency.kind === 'dev') === dev)
        .map((dependency) => byDir.get(dependency.dir))
        .filter((dependency): dependency is (typeof crates)[number] => dependency !== undefined && dependency !== crate),
    ),
  ];
  const hashes = new Map<string, string>();
  const visiting = new Set<string>();
  const hashOf = (crate: (typeof crates)[number]): string => {
    const known = hashes.get(crate.projectName);
    if (known) return known;
    visiting.add(crate.projectName);
    // A cycle through normal dependencies is an error cargo reports; the crate closing it counts by its own text.
    const closure = dependencies(crate, false)
      .map((dependency) => `${nodeOf(dependency)} ${visiting.has(dependency.projectName) ? textHash(dependency.inputsText) : hashOf(dependency)}`)
      .sort();
    visiting.delete(crate.projectName);
    const hash = textHash([crate.inputsText, ...closure].join('\n'));
    hashes.set(crate.projectName, hash);
    return hash;
  };
  const nodes = new Map<string, { workspaceInputs: CrateDescription['workspaceInputs']; inputsHash: string }>();
  for (const crate of crates) {
    nodes.set(crate.projectName, { workspaceInputs: { crate: nodeOf(crate), devDependencies: dependencies(crate, true).map(nodeOf).sort() }, inputsHash: hashOf(crate) });
  }
  return nodes;
}

function projectMetadata(pkg: CargoPackage, lock: Lockfile | undefined, externals: ExternalNodes, local: LocalPackages): CargoProjectMetadata {
  const own = lock && local.inLock(lock, pkg);
  const declared = pkg.dependencies.filter((dep) => dep.path !== undefined).map((dep) => ({ dir: dep.path as string, kind: dep.kind }));
  const fromLock = own ? lockPathDependencies(lock, own, pkg, (entry) => local.byLockEntry(entry)) : [];
  return {
    package: pkg.name,
    manifestFile: pkg.manifestFile,
    workspaceDir: pkg.workspaceDir,
    pathDependencies: [...declared, ...fromLock.filter((dep) => !declared.some((known) => known.dir === dep.dir))],
    externalDependencies: own ? resolveLockDependencies(lock, own).filter((dep) => dep.source).map((dep) => externals.nameOf(dep)) : [],
    buildTargets: pkg.targets
      .filter((target) => target.requiredFeatures.length === 0 && target.kind.some((kind) => BUILT_BY_DEFAULT.has(kind)))
      .map((target) => ({ name: target.name, kind: target.kind })),
    publishable: isPublishable(pkg.fields),
  };
}

/** Target kinds that `cargo build -p` builds: the library in any crate type, and binaries. */
const BUILT_BY_DEFAULT = new Set(['lib', 'rlib', 'dylib', 'cdylib', 'staticlib', 'proc-macro', 'bin']);

/** Matches lock entries without a source to the packages of the repository, by name and version. */
class LocalPackages {
  private readonly byKey = new Map<string, CargoPackage>();
  private readonly lockEntries = new WeakMap<Lockfile, Map<string, LockPackage>>();

  constructor(packages: CargoPackage[]) {
    for (const pkg of packages) this.byKey.set(`${pkg.name}@${pkg.version}`, pkg);
  }

  byLockEntry(entry: LockPackage): CargoPackage | undefined {
    return entry.source === undefined ? this.byKey.get(`${entry.name}@${entry.version}`) : undefined;
  }

  /** The lock entry of `pkg` itself, when the lockfile has one. */
  inLock(lock: Lockfile, pkg: CargoPackage): LockPackage | undefined {
    let entries = this.lockEntries.get(lock);
    if (!entries) {
      entries = new Map(lock.packages.filter((entry) => entry.source === undefined).map((entry) => [`${entry.name}@${entry.version}`, entry]));
      this.lockEntries.set(lock, entries);
    }
    return entries.get(`${pkg.name}@${pkg.version}`);
  }
}

/** Names of projects defined by package.json or project.json files. */
function readForeignProjects(fs: FileSystem, configFiles: readonly string[]): ForeignProject[] {
  const projects: ForeignProject[] = [];
  for (const file of configFiles) {
    if (posix.basename(file) === 'Cargo.toml') continue;
    try {
      const name = (JSON.parse(fs.readFile(file) ?? '{}') as { name?: unknown }).name;
      const root = posix.dirname(file);
      if (typeof name === 'string') projects.push({ name, root: root === '.' ? '' : root });
    } catch {
      // Not our file to validate: the plugin that owns it reports its problems.
    }
  }
  return projects;
}
