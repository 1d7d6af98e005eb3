import { isDeepStrictEqual } from 'node:util';
import { isTable, parseToml, type TomlTable } from '@nx-cargo/cargo-workspace';

function parseOrUndefined(file: string, text: string | undefined): TomlTable | undefined {
  if (text === undefined) return undefined;
  try {
    return parseToml(file, text);
  } catch {
    return undefined;
  }
}

/** True when the manifest text has a `[workspace]` table: the root of a Cargo workspace. */
export function isWorkspaceRootManifest(file: string, text: string | undefined): boolean {
  return isTable(parseOrUndefined(file, text)?.workspace);
}

/**
 * True when two versions of a manifest mean the same to cargo: both parse and
 * their TOML data are deep-equal, so only comments, white space, key order
 * within a table or the spelling of values changed. A missing or broken side
 * counts as a change.
 */
export function sameManifestData(file: string, before: string | undefined, after: string | undefined): boolean {
  const old = parseOrUndefined(file, before);
  const current = parseOrUndefined(file, after);
  return old !== undefined && current !== undefined && isDeepStrictEqual(old, current);
}
