import { artifactFamily, artifactFileNames, dirOf, hostArtifactFamily, isTable, joinPath, parseToml, type CargoPackage, type FileSystem, type TomlTable } from '@nx-cargo/cargo-workspace';
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

/** `[build] target-dir` (repo-relative) and `target` where cargo's config sets them. */
export interface BuildConfig {
  targetDir?: string;
  target?: string;
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

/** `default-run`, the only binary, or the binary named like the package; '' when cargo must be told. */
function defaultBinary(pkg: CargoPackage): string | undefined {
  const bins = pkg.targets.filter((target) => target.kind.includes('bin')).map((target) => target.name);
  if (bins.length === 0) return undefined;
  const defaultRun = pkg.fields['default-run'];
  if (typeof defaultRun === 'string') return defaultRun;
  if (bins.length === 1) return bins[0];
  return bins.includes(pkg.name) ? pkg.name : '';
}

/**
 * `[build] target-dir` and `target` as cargo sees them when run in
 * `workspaceDir`: the nearest `.cargo/config.toml` at or above it that sets
 * each (cargo merges the files, nearer first); target-dir is relative to the
 * folder holding `.cargo`.
 */
function buildConfig(fs: FileSystem, workspaceDir: string): BuildConfig {
  const found: BuildConfig = {};
  for (let dir = workspaceDir; ; dir = dirOf(dir)) {
    const build = configBuildTable(fs, dir);
    if (found.targetDir === undefined && typeof build?.['target-dir'] === 'string') found.targetDir = joinPath(dir, build['target-dir']);
    // A list of targets builds each into its own folder: no single artifact set to name.
    if (found.target === undefined && typeof build?.target === 'string') found.target = build.target;
    if (dir === '') return found;
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
      // cargo reports a broken config itself when it runs.
      return undefined;
    }
  }
  return undefined;
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
