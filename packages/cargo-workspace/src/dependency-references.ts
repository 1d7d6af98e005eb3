import { DEPENDENCY_SECTIONS } from './dependencies.js';
import type { Manifest } from './manifest.js';
import { joinPath } from './paths.js';
import { isTable, type TomlTable } from './toml.js';

/** One manifest entry that names a local crate by path: where it is, and the version requirement it writes. */
export interface DependencyReference {
  /** The manifest that holds the entry: the dependent's, or its workspace root's for `workspace = true`. */
  file: string;
  /** Key path of the dependency entry, e.g. `['target', 'cfg(unix)', 'dev-dependencies', 'alias']`. */
  path: string[];
  /** The table it is in, as a reader would name it: `dependencies`, `target.'cfg(unix)'.dev-dependencies`, `workspace.dependencies`. */
  collection: string;
  /** The `version` requirement as written; absent when the entry gives only a path. */
  req?: string;
}

/**
 * The entries of `manifest` that depend on the package in folder `dir`
 * (repo-relative) through a `path`: normal, dev and build tables, plain and
 * `[target.X]`, renamed ones, and the `[workspace.dependencies]` entries of
 * `root` that entries with `workspace = true` inherit. Each entry once.
 */
export function referencesTo(dir: string, manifest: Manifest, root?: Manifest): DependencyReference[] {
  const found = new Map<string, DependencyReference>();
  const add = (reference: DependencyReference) => found.set(`${reference.file}\0${reference.path.join('\0')}`, reference);
  const tables: Array<{ prefix: string[]; table: TomlTable }> = [{ prefix: [], table: manifest.toml }];
  if (isTable(manifest.toml.target)) {
    for (const [target, table] of Object.entries(manifest.toml.target)) {
      if (isTable(table)) tables.push({ prefix: ['target', target], table });
    }
  }
  for (const { prefix, table } of tables) {
    for (const [section] of DEPENDENCY_SECTIONS) {
      // Cargo reads both spellings: each is a table of its own in the document.
      for (const key of new Set([section, section.replace(/-/g, '_')])) {
        const entries = table[key];
        if (!isTable(entries)) continue;
        for (const [name, spec] of Object.entries(entries)) {
          if (!isTable(spec)) continue;
          if (spec.workspace === true) {
            const inherited = root ? inheritedReference(dir, root, name) : undefined;
            if (inherited) add(inherited);
          } else if (pointsTo(spec, manifest.dir, dir)) {
            add(reference(manifest.file, [...prefix, key, name], spec));
          }
        }
      }
    }
  }
  return [...found.values()];
}

/** The `[workspace.dependencies]` entries of a workspace root that point to the package in `dir`, used or not. */
export function workspaceReferencesTo(dir: string, root: Manifest): DependencyReference[] {
  const entries = root.workspace?.dependencies ?? {};
  return Object.keys(entries).flatMap((name) => inheritedReference(dir, root, name) ?? []);
}

function inheritedReference(dir: string, root: Manifest, name: string): DependencyReference | undefined {
  const spec = root.workspace?.dependencies[name];
  return isTable(spec) && pointsTo(spec, root.dir, dir) ? reference(root.file, ['workspace', 'dependencies', name], spec) : undefined;
}

function pointsTo(spec: TomlTable, baseDir: string, dir: string): boolean {
  return typeof spec.path === 'string' && joinPath(baseDir, spec.path) === dir;
}

function reference(file: string, path: string[], spec: TomlTable): DependencyReference {
  const collection = path
    .slice(0, -1)
    .map((part, i) => (path[0] === 'target' && i === 1 ? `'${part}'` : part))
    .join('.');
  return { file, path, collection, ...(typeof spec.version === 'string' ? { req: spec.version } : {}) };
}
