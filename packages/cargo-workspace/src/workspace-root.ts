import { isTable, parseToml, type TomlTable } from './toml.js';

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
