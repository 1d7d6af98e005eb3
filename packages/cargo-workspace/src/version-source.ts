import { ManifestError } from './errors.js';
import type { Manifest } from './manifest.js';
import { isTable, type TomlTable } from './toml.js';

/**
 * Where a package's version is written: its own `[package] version`, the
 * workspace's `[workspace.package] version` when it says
 * `version.workspace = true`, or nowhere (cargo ≥ 1.75 reads a missing
 * version as 0.0.0 and does not publish the package).
 */
export type VersionSource =
  | { kind: 'package'; file: string; path: string[]; version: string }
  | { kind: 'workspace'; file: string; path: string[]; version: string }
  | { kind: 'absent'; file: string };

/** `root` is the manifest of the package's workspace root, when it has one. */
export function versionSource(manifest: Manifest, root?: Manifest): VersionSource {
  // `[project]` is what very old manifests call `[package]`; cargo still reads it.
  const table = 'package' in manifest.toml ? 'package' : 'project';
  const own = manifest.package?.version;
  if (own === undefined) return { kind: 'absent', file: manifest.file };
  if (typeof own === 'string') return { kind: 'package', file: manifest.file, path: [table, 'version'], version: own };
  if (!isTable(own) || own.workspace !== true) {
    throw new ManifestError({ file: manifest.file }, '`package.version` must be a string or `{ workspace = true }`');
  }
  const inherited = root?.workspace?.package.version;
  if (!root || typeof inherited !== 'string') {
    throw new ManifestError(
      { file: manifest.file },
      `\`version.workspace = true\` but ${root ? `[workspace.package] in ${root.file} has no \`version\` string` : 'the package is in no workspace'}: add it there or set the version in this package`,
    );
  }
  return { kind: 'workspace', file: root.file, path: ['workspace', 'package', 'version'], version: inherited };
}

/**
 * Whether cargo would publish a package with these resolved `[package]`
 * fields: not with `publish = false` or `publish = []`, and not without a
 * version. A list of registries restricts where; cargo checks that itself.
 */
export function isPublishable(fields: TomlTable): boolean {
  if (fields.version === undefined) return false;
  if (fields.publish === false) return false;
  return !(Array.isArray(fields.publish) && fields.publish.length === 0);
}
