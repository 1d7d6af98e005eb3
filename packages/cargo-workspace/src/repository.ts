import { readDependencies, type CargoDependency } from './dependencies.js';
import { CargoModelError, ManifestError, WorkspaceError } from './errors.js';
import type { FileSystem } from './file-system.js';
import type { Manifest, WorkspaceConfig } from './manifest.js';
import { ManifestLoader } from './manifest-loader.js';
import { expandMemberPattern, isExcludedFromWorkspace } from './member-globs.js';
import { resolvePackageFields } from './package-fields.js';
import { dirOf, escapesRoot, isWithin, joinPath } from './paths.js';
import { discoverTargets, type CargoTarget } from './targets.js';
import { isTable, type TomlTable } from './toml.js';

/** A `[workspace]` root and the members Cargo would find for it. */
export interface CargoWorkspace {
  dir: string;
  manifestFile: string;
  /** True when the root manifest has no `[package]`. */
  isVirtual: boolean;
  /** Folders of member packages, sorted. */
  members: string[];
  config: WorkspaceConfig;
  /** The root manifest as written: `[profile]`, `[patch]`, `[replace]`, `resolver` and the rest. */
  toml: TomlTable;
}

/** One package, resolved the way Cargo resolves it. */
export interface CargoPackage {
  name: string;
  version: string;
  edition: string;
  manifestFile: string;
  dir: string;
  /** Where cargo runs for this package: its workspace root, or its own folder. */
  workspaceDir: string;
  /** The `[package]` table with inherited fields filled in. */
  fields: TomlTable;
  /** What the package takes from its workspace root: `field.workspace = true` fields (sorted), `lints.workspace = true`. */
  inherits: { fields: string[]; lints: boolean };
  dependencies: CargoDependency[];
  targets: CargoTarget[];
  features: Record<string, string[]>;
}

export interface CargoRepository {
  workspaces: CargoWorkspace[];
  packages: CargoPackage[];
  /** Problems found; each names its file. The rest of the model still stands. */
  errors: CargoModelError[];
}

/**
 * Builds the model of every Cargo package reachable from `manifestFiles`
 * (repo-relative Cargo.toml paths), following Cargo's workspace rules:
 * roots found by walking up, members from globs minus `exclude`, path
 * dependencies inside the root joining as members.
 */
export function loadCargoRepository(fs: FileSystem, manifestFiles: readonly string[]): CargoRepository {
  return new RepositoryBuilder(fs).build(manifestFiles);
}

class RepositoryBuilder {
  private readonly loader: ManifestLoader;
  private readonly errors: CargoModelError[];
  private readonly roots = new Map<string, string | undefined>();
  private readonly packages = new Map<string, CargoPackage | undefined>();
  private readonly workspaces = new Map<string, CargoWorkspace>();
  /** Members of each workspace by root folder, for constant-time membership checks. */
  private readonly memberDirs = new Map<string, Set<string>>();

  constructor(fs: FileSystem) {
    this.loader = new ManifestLoader(fs);
    this.errors = this.loader.errors;
  }

  build(manifestFiles: readonly string[]): CargoRepository {
    for (const file of manifestFiles) this.loader.load(file);
    for (const file of manifestFiles) {
      const manifest = this.loader.load(file);
      if (manifest?.workspace) this.workspace(manifest);
    }
    for (const file of manifestFiles) {
      if (this.loader.load(file)?.package) this.resolvePackage(dirOf(file));
    }
    const packages = [...this.packages.values()].filter((pkg): pkg is CargoPackage => pkg !== undefined);
    for (const pkg of packages) pkg.workspaceDir = this.workspaceDirOf(pkg);
    return {
      workspaces: [...this.workspaces.values()].sort((a, b) => byCodePoint(a.dir, b.dir)),
      packages: packages.sort((a, b) => byCodePoint(a.dir, b.dir)),
      errors: this.errors,
    };
  }

  /** Finds the members of the workspace rooted at `root`, once. */
  private workspace(root: Manifest): CargoWorkspace {
    const known = this.workspaces.get(root.dir);
    if (known) return known;
    const config = root.workspace as WorkspaceConfig;
    const workspace: CargoWorkspace = { dir: root.dir, manifestFile: root.file, isVirtual: !root.package, members: [], config, toml: root.toml };
    this.workspaces.set(root.dir, workspace);

    const seen = new Set<string>();
    /** `memberEntry` is the `members` pattern or root that names `dir`; absent for a path dependency. */
    const visit = (dir: string, memberEntry?: string): void => {
      const isPathDependency = memberEntry === undefined;
      if (seen.has(dir)) return;
      const manifest = this.loader.load(joinPath(dir, 'Cargo.toml'));
      if (!manifest) {
        if (!isPathDependency && !this.loader.exists(joinPath(dir, 'Cargo.toml'))) {
          this.errors.push(
            new WorkspaceError({ file: root.file }, `workspace member \`${dir}\` (from \`${memberEntry}\`) has no Cargo.toml: create it, or fix \`workspace.members\``),
          );
        }
        return;
      }
      if (isPathDependency && !isWithin(dir, root.dir) && this.rootOf(dir) !== root.dir) return;
      if (isExcludedFromWorkspace(workspace.dir, workspace.config, dir)) return;
      seen.add(dir);
      if (!manifest.package) return;
      workspace.members.push(dir);
      for (const dependency of this.resolvePackage(dir)?.dependencies ?? []) {
        if (dependency.path !== undefined && !escapesRoot(dependency.path)) {
          visit(dependency.path);
        }
      }
    };

    for (const pattern of config.members ?? []) {
      const dirs = expandMemberPattern(this.loader.fs, root.dir, pattern);
      if (dirs.length === 0) {
        this.errors.push(
          new WorkspaceError({ file: root.file }, `\`workspace.members\` entry \`${pattern}\` matches no folder: fix the pattern or remove it`),
        );
      }
      for (const dir of dirs) visit(dir, pattern);
    }
    visit(root.dir, '.');
    workspace.members.sort();
    this.memberDirs.set(root.dir, new Set(workspace.members));
    this.checkUniqueNames(workspace);
    return workspace;
  }

  /** The folder of the workspace root that claims `dir`, as Cargo's find_root. */
  private rootOf(dir: string): string | undefined {
    if (this.roots.has(dir)) return this.roots.get(dir);
    const manifest = this.loader.load(joinPath(dir, 'Cargo.toml'));
    let root: string | undefined;
    if (manifest?.workspace) root = dir;
    else if (manifest?.workspacePath !== undefined) root = joinPath(dir, manifest.workspacePath);
    else {
      for (let ancestor = dir; ancestor !== '' && root === undefined; ) {
        ancestor = dirOf(ancestor);
        const candidate = this.loader.load(joinPath(ancestor, 'Cargo.toml'));
        if (candidate?.workspace && !isExcludedFromWorkspace(ancestor, candidate.workspace, dir)) root = ancestor;
      }
    }
    this.roots.set(dir, root);
    return root;
  }

  private resolvePackage(dir: string): CargoPackage | undefined {
    if (this.packages.has(dir)) return this.packages.get(dir);
    this.packages.set(dir, undefined);
    const manifest = this.loader.load(joinPath(dir, 'Cargo.toml'));
    if (!manifest?.package) return undefined;
    const rootDir = this.rootOf(dir);
    const rootManifest = rootDir === undefined ? undefined : this.loader.load(joinPath(rootDir, 'Cargo.toml'));
    const workspace = rootManifest?.workspace ? { dir: rootManifest.dir, config: rootManifest.workspace } : undefined;
    try {
      const fields = resolvePackageFields(manifest, workspace);
      const name = fields.name as string;
      const edition = typeof fields.edition === 'string' ? fields.edition : '2015';
      const pkg: CargoPackage = {
        name,
        version: typeof fields.version === 'string' ? fields.version : '0.0.0',
        edition,
        manifestFile: manifest.file,
        dir,
        workspaceDir: dir,
        fields,
        inherits: inheritance(manifest),
        dependencies: readDependencies(manifest, workspace),
        targets: discoverTargets({ fs: this.loader.fs, manifestFile: manifest.file, packageRoot: dir, packageName: name, edition, manifest: manifest.toml }),
        features: readFeatures(manifest),
      };
      this.packages.set(dir, pkg);
      this.checkPathDependencies(pkg);
      return pkg;
    } catch (error) {
      if (!(error instanceof CargoModelError)) throw error;
      this.errors.push(error);
      return undefined;
    }
  }

  /** The workspace folder cargo runs in for `pkg`; a package its root does not list stands alone. */
  private workspaceDirOf(pkg: CargoPackage): string {
    const rootDir = this.rootOf(pkg.dir);
    if (rootDir === undefined || rootDir === pkg.dir) return pkg.dir;
    const rootManifest = this.loader.load(joinPath(rootDir, 'Cargo.toml'));
    if (!rootManifest?.workspace) return pkg.dir;
    this.workspace(rootManifest);
    if (this.memberDirs.get(rootDir)?.has(pkg.dir)) return rootDir;
    this.errors.push(
      new WorkspaceError(
        { file: pkg.manifestFile },
        `package \`${pkg.name}\` lies under the workspace at ${rootManifest.file} but is not one of its members: ` +
          'add it to `workspace.members`, or to `workspace.exclude`, or give it an empty `[workspace]` table',
      ),
    );
    return pkg.dir;
  }

  private checkPathDependencies(pkg: CargoPackage): void {
    for (const dependency of pkg.dependencies) {
      if (dependency.path === undefined || escapesRoot(dependency.path)) continue;
      if (this.loader.exists(joinPath(dependency.path, 'Cargo.toml'))) continue;
      this.errors.push(
        new WorkspaceError(
          { file: pkg.manifestFile },
          `path dependency \`${dependency.rename ?? dependency.name}\` points to \`${dependency.path}\`, which has no Cargo.toml: fix its \`path\` or create the crate there`,
        ),
      );
    }
  }

  private checkUniqueNames(workspace: CargoWorkspace): void {
    const byName = new Map<string, string>();
    for (const dir of workspace.members) {
      const name = this.resolvePackage(dir)?.name;
      if (name === undefined) continue;
      const other = byName.get(name);
      if (other !== undefined) {
        this.errors.push(
          new WorkspaceError({ file: workspace.manifestFile }, `two packages named \`${name}\` in this workspace: ${other} and ${dir}; rename one`),
        );
      }
      byName.set(name, dir);
    }
  }
}

/** Locale-independent and much cheaper than localeCompare, which showed in profiles. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function inheritance(manifest: Manifest): CargoPackage['inherits'] {
  const fields = Object.entries(manifest.package ?? {})
    .filter(([, value]) => isTable(value) && value.workspace === true)
    .map(([field]) => field)
    .sort(byCodePoint);
  const lints = manifest.toml.lints;
  return { fields, lints: isTable(lints) && lints.workspace === true };
}

function readFeatures(manifest: Manifest): Record<string, string[]> {
  const table = manifest.toml.features;
  if (table === undefined) return {};
  if (!isTable(table)) throw new ManifestError({ file: manifest.file }, '`[features]` must be a table of arrays');
  return Object.fromEntries(
    Object.entries(table).map(([name, value]) => [name, Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []]),
  );
}
