import { ManifestError } from './errors.js';
import type { Manifest, WorkspaceConfig } from './manifest.js';
import { joinPath } from './paths.js';
import { isTable, type TomlTable } from './toml.js';
import { posix } from 'node:path';

/** Package fields a member may take from `[workspace.package]`. */
export const INHERITABLE_FIELDS = [
  'version',
  'authors',
  'description',
  'documentation',
  'readme',
  'homepage',
  'repository',
  'license',
  'license-file',
  'keywords',
  'categories',
  'publish',
  'edition',
  'rust-version',
  'exclude',
  'include',
] as const;

/** Fields whose values are paths relative to the manifest that declares them. */
const PATH_FIELDS = new Set(['readme', 'license-file']);

/**
 * The `[package]` table with every `field.workspace = true` replaced by the
 * workspace's value; inherited paths are rebased onto the package folder.
 */
export function resolvePackageFields(manifest: Manifest, workspace?: { dir: string; config: WorkspaceConfig }): TomlTable {
  const own = manifest.package ?? {};
  const resolved: TomlTable = { ...own };
  for (const [field, value] of Object.entries(own)) {
    if (!isTable(value) || value.workspace !== true) continue;
    if (!(INHERITABLE_FIELDS as readonly string[]).includes(field)) {
      throw new ManifestError({ file: manifest.file }, `\`package.${field}\` cannot be inherited from the workspace`);
    }
    const inherited = workspace?.config.package[field];
    if (!workspace || inherited === undefined) {
      throw new ManifestError(
        { file: manifest.file },
        `\`package.${field}.workspace = true\` but ${
          workspace ? `[workspace.package] in ${joinPath(workspace.dir, 'Cargo.toml')} has no \`${field}\`` : 'the package is in no workspace'
        }: add \`${field}\` there or set it in this package`,
      );
    }
    resolved[field] =
      PATH_FIELDS.has(field) && typeof inherited === 'string'
        ? posix.relative(manifest.dir || '.', joinPath(workspace.dir, inherited)) || '.'
        : inherited;
  }
  return resolved;
}
