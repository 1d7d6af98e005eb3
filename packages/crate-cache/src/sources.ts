import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { DepInfo } from './dep-info.js';
import type { KeyPart } from './key.js';
import { hashFile } from './key-inputs.js';
import { denormalizeText, normalizePath, normalizeText, type PathRoots } from './path-roots.js';

/**
 * What one compile read, as the store keeps it per base key: files by
 * normalized path and content hash (null: must be absent), variables by
 * value (null: unset).
 */
export interface SourceSet {
  sources: Array<{ path: string; hash: string | null }>;
  envs: Array<{ name: string; value: string | null }>;
}

/**
 * Env values are keyed raw: `env!("CARGO_MANIFEST_DIR")` puts the absolute
 * path into the artifact, so another checkout must miss. OUT_DIR only names
 * where generated files are read from; those files are keyed as sources.
 */
function envValue(name: string, value: string | undefined, roots: PathRoots): string | null {
  if (value === undefined) return null;
  return name === 'OUT_DIR' ? normalizeText(value, roots) : value;
}

/**
 * The module file rustc would have found instead: `a/b.rs` ↔ `a/b/mod.rs`.
 * A new file there makes `mod b;` ambiguous, which the compile would
 * reject; keying its absence keeps a hit from hiding that.
 */
function moduleAlternative(file: string): string | undefined {
  if (!file.endsWith('.rs')) return undefined;
  if (path.basename(file) === 'mod.rs') return `${path.dirname(file)}.rs`;
  return path.join(file.slice(0, -'.rs'.length), 'mod.rs');
}

/**
 * The source set of a finished compile, from the dep-info it wrote. A file
 * modified after the compile started may not be what rustc read: then
 * nothing is stored (as ccache does), rather than a key that lies.
 */
export async function sourceSetOf(depInfo: DepInfo, cwd: string, roots: PathRoots, compileStartedNs: bigint): Promise<SourceSet> {
  const files = new Map<string, string>();
  for (const file of depInfo.files) files.set(path.resolve(cwd, file), 'read');
  for (const file of [...files.keys()]) {
    const alternative = moduleAlternative(file);
    if (alternative && !files.has(alternative)) files.set(alternative, 'alternative');
  }
  const sources = await Promise.all(
    [...files.keys()].sort().map(async (file) => {
      const info = await stat(file, { bigint: true }).catch(() => undefined);
      if (info && info.mtimeNs >= compileStartedNs) throw new Error(`${file} was modified while rustc ran`);
      return { path: normalizePath(file, cwd, roots), hash: await hashFile(file) };
    }),
  );
  const envs = depInfo.env.map(({ name, value }) => ({ name, value: envValue(name, value, roots) }));
  return { sources, envs };
}

/** Whether this checkout still has exactly what an earlier compile read. */
export async function sourceSetMatches(set: SourceSet, env: NodeJS.ProcessEnv, roots: PathRoots, compare: { sources: boolean; envs: boolean }): Promise<boolean> {
  if (compare.envs && set.envs.some(({ name, value }) => envValue(name, env[name], roots) !== value)) return false;
  if (!compare.sources) return true;
  for (const source of set.sources) {
    if ((await hashFile(denormalizeText(source.path, roots))) !== source.hash) return false;
  }
  return true;
}

export function sourceParts(set: SourceSet): KeyPart[] {
  return [
    ...set.sources.map((source): KeyPart => ({ class: 'source', name: source.path, value: source.hash ?? 'absent' })),
    ...set.envs.map((env): KeyPart => ({ class: 'env-dep', name: env.name, value: env.value ?? 'unset' })),
  ];
}
