import { dirOf, isTable, joinPath, parseToml, type CargoPackage, type FileSystem } from '@nx-cargo/cargo-workspace';
import type { CrateBuild } from './inferred-targets.js';

/** What the repository holds besides the crate: CARGO_TARGET_DIR and the package.json files Nx found. */
export interface BuildSurroundings {
  /** CARGO_TARGET_DIR made repo-relative; it overrides any config, as it does for cargo. */
  cargoTargetDir?: string;
  packageJsonFiles: ReadonlySet<string>;
}

/** What building `pkg` produces and where, from its targets, cargo config and package.json. */
export function describeBuild(fs: FileSystem, pkg: CargoPackage, surroundings: BuildSurroundings): CrateBuild {
  const build: CrateBuild = {
    root: pkg.dir || '.',
    targetDir: surroundings.cargoTargetDir ?? targetDir(fs, pkg.workspaceDir),
    artifacts: artifacts(pkg),
  };
  const bin = defaultBinary(pkg);
  if (bin !== undefined) build.defaultBinary = bin;
  // Only a package.json Nx listed is read: looking for absent ones would make every crate folder a graph input.
  const packageJson = joinPath(pkg.dir, 'package.json');
  const napi = surroundings.packageJsonFiles.has(packageJson) ? napiConfig(fs.readFile(packageJson), pkg) : undefined;
  if (napi) build.napi = napi;
  return build;
}

/** Final artifacts as cargo names them on Linux: binaries, and cdylib/staticlib files of the lib. */
function artifacts(pkg: CargoPackage): string[] {
  const files: string[] = [];
  for (const target of pkg.targets) {
    if (target.kind.includes('bin')) files.push(target.name);
    if (target.crateTypes.includes('cdylib')) files.push(`lib${target.name}.so`);
    if (target.crateTypes.includes('staticlib')) files.push(`lib${target.name}.a`);
  }
  return files;
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
 * The target folder cargo uses when run in `workspaceDir`: `build.target-dir`
 * from the nearest `.cargo/config.toml` at or above it (relative to the
 * folder holding `.cargo`), else `<workspace>/target`.
 */
function targetDir(fs: FileSystem, workspaceDir: string): string {
  for (let dir = workspaceDir; ; dir = dirOf(dir)) {
    for (const name of ['config.toml', 'config']) {
      const file = joinPath(dir, '.cargo', name);
      const text = fs.readFile(file);
      if (text === undefined) continue;
      try {
        const build = parseToml(file, text).build;
        if (isTable(build) && typeof build['target-dir'] === 'string') return joinPath(dir, build['target-dir']);
      } catch {
        // cargo reports a broken config itself when it runs.
      }
      break;
    }
    if (dir === '') return joinPath(workspaceDir, 'target');
  }
}

/** A napi-rs package: package.json beside Cargo.toml with a `napi` entry. */
function napiConfig(text: string | undefined, pkg: CargoPackage): CrateBuild['napi'] {
  if (text === undefined) return undefined;
  try {
    if (!isTable((JSON.parse(text) as { napi?: unknown }).napi)) return undefined;
  } catch {
    return undefined;
  }
  // napi-rs writes index.js and index.d.ts only from what napi-derive's type-def feature emits.
  return { generatesBindings: pkg.dependencies.some((dep) => dep.name === 'napi-derive') };
}
