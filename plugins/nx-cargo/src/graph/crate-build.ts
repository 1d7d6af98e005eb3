import { artifactFamily, artifactFileNames, buildConfig, defaultBinary, hostArtifactFamily, isTable, joinPath, type BuildConfig, type CargoPackage, type FileSystem } from '@nx-cargo/cargo-workspace';
import type { CrateBuild } from './types.js';

/** What the repository holds besides the crate: CARGO_TARGET_DIR and the package.json files Nx found. */
export interface BuildSurroundings {
  /** CARGO_TARGET_DIR made repo-relative; it overrides any config, as it does for cargo. */
  cargoTargetDir?: string;
  packageJsonFiles: ReadonlySet<string>;
  /** Folders holding a package.json or project.json: another plugin's project there merges with the crate's. */
  projectFolders: ReadonlySet<string>;
  /** Cargo config by workspace folder, read once for all its crates (a graph asks 500 times for the same few). */
  buildConfigs: Map<string, BuildConfig>;
}

/** What building `pkg` produces and where, from its targets, cargo config and package.json. */
export function describeBuild(fs: FileSystem, pkg: CargoPackage, surroundings: BuildSurroundings): CrateBuild {
  let config = surroundings.buildConfigs.get(pkg.workspaceDir);
  if (!config) {
    config = buildConfig(fs, pkg.workspaceDir);
    surroundings.buildConfigs.set(pkg.workspaceDir, config);
  }
  const family = config.target ? artifactFamily(config.target) : hostArtifactFamily(process.platform);
  const build: CrateBuild = {
    root: pkg.dir || '.',
    targetDir: surroundings.cargoTargetDir ?? config.targetDir ?? joinPath(pkg.workspaceDir, 'target'),
    artifacts: [...new Set(pkg.targets.flatMap((target) => artifactFileNames(target, family)))],
    shared: surroundings.projectFolders.has(pkg.dir),
  };
  if (config.target) build.target = config.target;
  const bin = defaultBinary(pkg);
  if (bin !== undefined) build.defaultBinary = bin;
  // Only a package.json Nx listed is read: looking for absent ones would make every crate folder a graph input.
  const packageJson = joinPath(pkg.dir, 'package.json');
  const napi = surroundings.packageJsonFiles.has(packageJson) ? napiConfig(fs.readFile(packageJson), pkg) : undefined;
  if (napi) build.napi = napi;
  return build;
}

/** A napi-rs package: package.json beside Cargo.toml with a `napi` entry. */
function napiConfig(text: string | undefined, pkg: CargoPackage): CrateBuild['napi'] {
  if (text === undefined) return undefined;
  try {
    if (!isTable((JSON.parse(text) as { napi?: unknown }).napi)) return undefined;
  } catch {
    return undefined;
  }
  // napi build writes index.js and index.d.ts only from what napi-derive's type-def feature emits; it
  // checks the feature as written here (default features or `type-def` named), so a crate without it
  // keeps its own hand-written index.js as a source.
  return { generatesBindings: pkg.dependencies.some((dep) => dep.name === 'napi-derive' && (dep.usesDefaultFeatures || dep.features.includes('type-def'))) };
}
