import { ManifestError } from './errors.js';
import type { Manifest, WorkspaceConfig } from './manifest.js';
import { joinPath } from './paths.js';
import { isTable, kebabOrSnake, stringList, type TomlTable } from './toml.js';

export type DependencyKind = 'normal' | 'dev' | 'build';

/** One declared dependency, resolved against workspace inheritance. */
export interface CargoDependency {
  /** The package depended on (its real name, after `package = ...`). */
  name: string;
  /** The key used in the manifest when it renames the package. */
  rename?: string;
  kind: DependencyKind;
  /** `cfg(...)` expression or target triple of a `[target.X.*]` table. */
  target?: string;
  /** Version requirement as Cargo reports it, `*` when none is given. */
  req: string;
  optional: boolean;
  usesDefaultFeatures: boolean;
  features: string[];
  source: 'path' | 'git' | 'registry';
  /** Repo-relative folder of a path dependency. */
  path?: string;
  git?: string;
  registry?: string;
  /** The `[workspace.dependencies]` key the entry inherits from (`workspace = true`). */
  workspaceKey?: string;
}

/** The dependency tables of a package (and of each `[target.X]` table), by kind. */
export const DEPENDENCY_SECTIONS: ReadonlyArray<[string, DependencyKind]> = [
  ['dependencies', 'normal'],
  ['dev-dependencies', 'dev'],
  ['build-dependencies', 'build'],
];

/**
 * Every dependency of a package: plain and `[target.X]` tables, each entry
 * resolved against `[workspace.dependencies]` when it says `workspace = true`.
 */
export function readDependencies(manifest: Manifest, workspace?: { dir: string; config: WorkspaceConfig }): CargoDependency[] {
  const tables: Array<{ table: TomlTable; target?: string }> = [{ table: manifest.toml }];
  const targets = manifest.toml.target;
  if (isTable(targets)) {
    for (const [target, table] of Object.entries(targets)) {
      if (isTable(table)) tables.push({ table, target });
    }
  }
  const result: CargoDependency[] = [];
  for (const { table, target } of tables) {
    for (const [section, kind] of DEPENDENCY_SECTIONS) {
      const entries = kebabOrSnake(table, section);
      if (!isTable(entries)) continue;
      for (const [key, value] of Object.entries(entries)) {
        result.push(readDependency(manifest, workspace, key, value, kind, target));
      }
    }
  }
  return result;
}

function readDependency(
  manifest: Manifest,
  workspace: { dir: string; config: WorkspaceConfig } | undefined,
  key: string,
  value: unknown,
  kind: DependencyKind,
  target: string | undefined,
): CargoDependency {
  const where = target ? `[target.'${target}'] ${key}` : key;
  if (typeof value === 'string') return declared(key, { version: value }, manifest.dir, kind, target);
  if (!isTable(value)) {
    throw new ManifestError({ file: manifest.file }, `dependency \`${where}\` must be a version string or a table`);
  }
  if (value.workspace !== true) return declared(key, value, manifest.dir, kind, target);

  const inherited = workspace?.config.dependencies[key];
  if (!workspace || inherited === undefined) {
    throw new ManifestError(
      { file: manifest.file },
      `dependency \`${where}\` says \`workspace = true\` but ${
        workspace ? `[workspace.dependencies] in ${joinPath(workspace.dir, 'Cargo.toml')} has no \`${key}\`` : 'the package is in no workspace'
      }: add it there or give the dependency its own version or path`,
    );
  }
  const base: TomlTable = typeof inherited === 'string' ? { version: inherited } : isTable(inherited) ? inherited : {};
  const dependency = declared(key, base, workspace.dir, kind, target);
  dependency.workspaceKey = key;
  dependency.features = unique([...dependency.features, ...stringList(value.features)]);
  dependency.optional = value.optional === true;
  if (kebabOrSnake(value, 'default-features') === true) dependency.usesDefaultFeatures = true;
  return dependency;
}

/** A dependency written out in full; relative paths resolve against `baseDir`. */
function declared(key: string, spec: TomlTable, baseDir: string, kind: DependencyKind, target?: string): CargoDependency {
  const packageName = typeof spec.package === 'string' ? spec.package : undefined;
  const version = typeof spec.version === 'string' ? spec.version : undefined;
  const dependency: CargoDependency = {
    name: packageName ?? key,
    kind,
    req: versionReq(version),
    optional: spec.optional === true,
    usesDefaultFeatures: kebabOrSnake(spec, 'default-features') !== false,
    features: unique(stringList(spec.features)),
    source: 'registry',
  };
  if (packageName !== undefined) dependency.rename = key;
  if (target !== undefined) dependency.target = target;
  if (typeof spec.path === 'string') {
    dependency.source = 'path';
    dependency.path = joinPath(baseDir, spec.path);
  } else if (typeof spec.git === 'string') {
    dependency.source = 'git';
    dependency.git = spec.git;
  }
  if (typeof spec.registry === 'string') dependency.registry = spec.registry;
  return dependency;
}

/** Cargo reads a bare `1.2` as `^1.2`; the other operators stand as written. */
function versionReq(version: string | undefined): string {
  if (version === undefined) return '*';
  return version
    .split(',')
    .map((part) => part.trim())
    .map((part) => (/^\d/.test(part) ? `^${part}` : part))
    .join(', ');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
