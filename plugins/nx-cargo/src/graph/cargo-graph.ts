import type { CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import {
  CargoModelError,
  externalClosure,
  loadCargoRepository,
  parseLockfile,
  resolveLockDependencies,
  type CargoPackage,
  type FileSystem,
  type Lockfile,
} from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';
import { ExternalNodes } from './external-nodes.js';
import { CARGO_INPUT, cargoNamedInput, inferTargets } from './inferred-targets.js';
import type { NxCargoPluginOptions } from './options.js';
import { nameCrates, type ForeignProject } from './project-names.js';
import type { CargoProjectMetadata } from './project-metadata.js';

export type CreateNodesResults = Array<readonly [string, CreateNodesResult]>;

/** What createNodes hands Nx, and the problems to tell the user about. */
export interface CargoGraph {
  results: CreateNodesResults;
  warnings: string[];
}

/**
 * Projects and external nodes for every crate reachable from `configFiles`
 * (Cargo.toml files, plus package.json/project.json files whose names a
 * crate must not take), reading through `fs` only.
 */
export function buildCargoGraph(fs: FileSystem, configFiles: readonly string[], options: NxCargoPluginOptions | undefined): CargoGraph {
  const warnings: string[] = [];
  const manifests = configFiles.filter((file) => posix.basename(file) === 'Cargo.toml');
  const repository = loadCargoRepository(fs, manifests);
  const lockfiles = new LockfileReader(fs);
  const externals = new ExternalNodes();

  const results: CreateNodesResults = [];
  for (const { pkg, projectName, notice } of nameCrates(repository.packages, readForeignProjects(fs, configFiles), options)) {
    if (notice) warnings.push(notice);
    const lock = lockfiles.read(pkg.workspaceDir);
    const closure = lock ? externalClosure(lock, pkg.name, pkg.version).map((dep) => externals.nameOf(dep)) : [];
    const project: ProjectConfiguration = {
      name: projectName,
      root: pkg.dir || '.',
      projectType: pkg.targets.some((target) => target.kind.includes('bin')) ? 'application' : 'library',
      metadata: { technologies: ['cargo'], cargo: projectMetadata(pkg, lock, externals) } as ProjectConfiguration['metadata'],
      namedInputs: { [CARGO_INPUT]: cargoNamedInput(pkg, closure) },
      targets: inferTargets(pkg),
    };
    results.push([pkg.manifestFile, { projects: { [project.root]: project } }]);
  }
  for (const error of [...repository.errors, ...lockfiles.errors]) warnings.push(error.message);
  if (results.length > 0) results[0] = [results[0][0], { ...results[0][1], externalNodes: externals.nodes }];
  return { results, warnings };
}

function projectMetadata(pkg: CargoPackage, lock: Lockfile | undefined, externals: ExternalNodes): CargoProjectMetadata {
  const own = lock?.packages.find((entry) => entry.name === pkg.name && entry.version === pkg.version && entry.source === undefined);
  return {
    package: pkg.name,
    manifestFile: pkg.manifestFile,
    workspaceDir: pkg.workspaceDir,
    pathDependencies: pkg.dependencies
      .filter((dep) => dep.path !== undefined)
      .map((dep) => ({ dir: dep.path as string, kind: dep.kind })),
    externalDependencies: own && lock ? resolveLockDependencies(lock, own).filter((dep) => dep.source).map((dep) => externals.nameOf(dep)) : [],
  };
}

/** Parses each workspace's Cargo.lock once; a broken one is reported, not fatal. */
class LockfileReader {
  readonly errors: CargoModelError[] = [];
  private readonly cache = new Map<string, Lockfile | undefined>();

  constructor(private readonly fs: FileSystem) {}

  read(workspaceDir: string): Lockfile | undefined {
    if (this.cache.has(workspaceDir)) return this.cache.get(workspaceDir);
    const file = workspaceDir ? `${workspaceDir}/Cargo.lock` : 'Cargo.lock';
    const text = this.fs.readFile(file);
    let lock: Lockfile | undefined;
    try {
      lock = text === undefined ? undefined : parseLockfile(file, text);
    } catch (error) {
      if (!(error instanceof CargoModelError)) throw error;
      this.errors.push(error);
    }
    this.cache.set(workspaceDir, lock);
    return lock;
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
