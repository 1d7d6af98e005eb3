import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import type { CargoPackage, CargoRepository } from '../repository.js';

/** The facts about one package that the model must agree with Cargo on. */
export interface PackageFacts {
  name: string;
  version: string;
  manifestFile: string;
  workspaceDir: string;
  dependencies: string[];
  targets: string[];
  /** Names of workspace packages this package depends on through path dependencies. */
  edges: string[];
}

interface MetadataDependency {
  name: string;
  rename: string | null;
  kind: 'dev' | 'build' | null;
  target: string | null;
  optional: boolean;
  uses_default_features: boolean;
  features: string[];
  source: string | null;
  path?: string;
}

interface MetadataPackage {
  name: string;
  version: string;
  manifest_path: string;
  dependencies: MetadataDependency[];
  targets: Array<{ name: string; kind: string[]; crate_types: string[]; src_path: string; edition: string; 'required-features'?: string[] }>;
}

/**
 * Runs `cargo metadata --no-deps` for every manifest not yet covered by an
 * earlier run (one run per workspace) and returns Cargo's view of each
 * package, keyed by manifest path relative to `root`. Manifests cargo refuses
 * are listed under `failed`.
 */
export function cargoFacts(root: string, manifestFiles: string[]): { packages: Map<string, PackageFacts>; failed: string[] } {
  const packages = new Map<string, PackageFacts>();
  const failed: string[] = [];
  const rel = (path: string) => relative(root, path).split('\\').join('/');
  for (const file of [...manifestFiles].sort()) {
    if (packages.has(file)) continue;
    let metadata: { packages: MetadataPackage[]; workspace_root: string };
    try {
      const out = execFileSync('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline', '--manifest-path', resolve(root, file)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
      metadata = JSON.parse(out);
    } catch {
      failed.push(file);
      continue;
    }
    for (const pkg of metadata.packages) {
      const dependencies = pkg.dependencies.map((dep) =>
        describeDependency({
          name: dep.name,
          rename: dep.rename ?? undefined,
          kind: dep.kind ?? 'normal',
          target: dep.target ?? undefined,
          optional: dep.optional,
          usesDefaultFeatures: dep.uses_default_features,
          features: dep.features,
          source: dep.path !== undefined ? 'path' : dep.source?.startsWith('git+') ? 'git' : 'registry',
          path: dep.path === undefined ? undefined : rel(dep.path),
        }),
      );
      packages.set(rel(pkg.manifest_path), {
        name: pkg.name,
        version: pkg.version,
        manifestFile: rel(pkg.manifest_path),
        workspaceDir: rel(metadata.workspace_root),
        dependencies: dependencies.sort(),
        targets: pkg.targets
          .map((target) =>
            describeTarget({
              name: target.name,
              kind: target.kind,
              crateTypes: target.crate_types,
              srcPath: rel(target.src_path),
              edition: target.edition,
              requiredFeatures: target['required-features'] ?? [],
            }),
          )
          .sort(),
        edges: pkg.dependencies.flatMap((dep) => (dep.path === undefined ? [] : [rel(dep.path)])),
      });
    }
  }
  // Edges name packages by folder until every workspace has been read.
  const dirToName = new Map([...packages.values()].map((pkg) => [pkg.manifestFile.replace(/\/?Cargo\.toml$/, ''), pkg.name]));
  for (const pkg of packages.values()) pkg.edges = unique(pkg.edges.flatMap((dir) => (dirToName.has(dir) ? [dirToName.get(dir) as string] : [])));
  return { packages, failed };
}

/** The model's view of the same facts. */
export function modelFacts(repository: CargoRepository): Map<string, PackageFacts> {
  const byDir = new Map(repository.packages.map((pkg) => [pkg.dir, pkg]));
  const facts = new Map<string, PackageFacts>();
  for (const pkg of repository.packages) {
    facts.set(pkg.manifestFile, {
      name: pkg.name,
      version: pkg.version,
      manifestFile: pkg.manifestFile,
      workspaceDir: pkg.workspaceDir,
      dependencies: pkg.dependencies.map(describeDependency).sort(),
      targets: pkg.targets.map(describeTarget).sort(),
      edges: unique(
        pkg.dependencies.flatMap((dep) => {
          const target = dep.path === undefined ? undefined : byDir.get(dep.path);
          return target ? [target.name] : [];
        }),
      ),
    });
  }
  return facts;
}

/** Every disagreement between Cargo and the model, one line each; empty when they agree. */
export function compareFacts(cargo: Map<string, PackageFacts>, model: Map<string, PackageFacts>): string[] {
  const differences: string[] = [];
  for (const [file, expected] of cargo) {
    const actual = model.get(file);
    if (!actual) {
      differences.push(`${file}: cargo lists package \`${expected.name}\`, the model does not`);
      continue;
    }
    for (const key of ['name', 'version', 'workspaceDir'] as const) {
      if (expected[key] !== actual[key]) differences.push(`${file}: ${key} is ${JSON.stringify(actual[key])}, cargo says ${JSON.stringify(expected[key])}`);
    }
    for (const key of ['dependencies', 'targets', 'edges'] as const) {
      for (const item of expected[key]) if (!actual[key].includes(item)) differences.push(`${file}: ${key} misses ${item}`);
      for (const item of actual[key]) if (!expected[key].includes(item)) differences.push(`${file}: ${key} has extra ${item}`);
    }
  }
  return differences;
}

function describeDependency(dep: Pick<CargoPackage['dependencies'][number], 'name' | 'rename' | 'kind' | 'target' | 'optional' | 'usesDefaultFeatures' | 'features' | 'source' | 'path'>): string {
  return JSON.stringify([dep.name, dep.rename ?? null, dep.kind, dep.target ?? null, dep.optional, dep.usesDefaultFeatures, [...dep.features].sort(), dep.source, dep.path ?? null]);
}

function describeTarget(target: CargoPackage['targets'][number]): string {
  return JSON.stringify([target.name, target.kind, target.crateTypes, target.srcPath, target.edition, [...target.requiredFeatures].sort()]);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
