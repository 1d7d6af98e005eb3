import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { hash } from 'blake3';
import type { DepInfo } from './dep-info.js';
import { exists } from './fs-util.js';
import type { KeyPart } from './key.js';
import { hashFile } from './key-inputs.js';
import type { MacroReads } from './macro-reads.js';
import { denormalizeText, normalizePath, normalizeText, type PathRoots } from './path-roots.js';
import { setByCargo } from './recorder/index.js';
import type { MacroReadSet } from './store/types.js';

/**
 * What one compile read, as the store keeps it per base key: files by
 * normalized path and content hash (null: must be absent), variables by
 * value (null: unset); and what its proc macros read, which dep-info does
 * not list (recorded while it compiled).
 */
export interface SourceSet {
  sources: Array<{ path: string; hash: string | null }>;
  envs: Array<{ name: string; value: string | null }>;
  macro?: MacroReadSet;
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

/**
 * A variable a proc macro read: the variables cargo sets for the unit
 * (CARGO_MANIFEST_DIR, OUT_DIR, ...) with this checkout's roots normalized,
 * so that a second checkout still hits (macros read them to find files,
 * which are keyed themselves); any other raw.
 */
function macroEnvValue(name: string, value: string | undefined, roots: PathRoots): string | null {
  if (value === undefined) return null;
  return setByCargo(name) ? normalizeText(value, roots) : value;
}

/** A folder's entries with their kinds, hashed; null when it cannot be listed. */
async function listingOf(dir: string): Promise<string | null> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const lines = entries.map((entry) => `${entry.isDirectory() ? 'd' : entry.isSymbolicLink() ? 'l' : 'f'} ${entry.name}`).sort();
    return hash(lines.join('\n')).toString('hex');
  } catch {
    return null;
  }
}

/**
 * What the proc macros read, as found now. A file modified after the
 * compile started may not be what the macro read: then nothing is stored.
 */
export async function macroReadSetOf(reads: MacroReads, env: NodeJS.ProcessEnv, cwd: string, roots: PathRoots, compileStartedNs: bigint): Promise<MacroReadSet> {
  const files = await Promise.all(
    reads.files.map(async (file) => {
      const info = await stat(file, { bigint: true }).catch(() => undefined);
      if (info && info.mtimeNs >= compileStartedNs) throw new Error(`${file} was modified while rustc ran`);
      return { path: normalizePath(file, cwd, roots), hash: await hashFile(file) };
    }),
  );
  return {
    envs: reads.envs.map((name) => ({ name, value: macroEnvValue(name, env[name], roots) })),
    files,
    probes: await Promise.all(reads.probes.map(async (file) => ({ path: normalizePath(file, cwd, roots), exists: await exists(file) }))),
    dirs: await Promise.all(reads.dirs.map(async (dir) => ({ path: normalizePath(dir, cwd, roots), listing: await listingOf(dir) }))),
  };
}

/** Whether this checkout still has exactly what an earlier compile read. */
export async function sourceSetMatches(set: SourceSet, env: NodeJS.ProcessEnv, roots: PathRoots, compare: { sources: boolean; envs: boolean; macros: boolean }): Promise<boolean> {
  if (compare.envs && set.envs.some(({ name, value }) => envValue(name, env[name], roots) !== value)) return false;
  if (compare.macros && set.macro && !(await macroReadSetMatches(set.macro, env, roots))) return false;
  if (!compare.sources) return true;
  for (const source of set.sources) {
    if ((await hashFile(denormalizeText(source.path, roots))) !== source.hash) return false;
  }
  return true;
}

async function macroReadSetMatches(set: MacroReadSet, env: NodeJS.ProcessEnv, roots: PathRoots): Promise<boolean> {
  if (set.envs.some(({ name, value }) => macroEnvValue(name, env[name], roots) !== value)) return false;
  for (const probe of set.probes) if ((await exists(denormalizeText(probe.path, roots))) !== probe.exists) return false;
  for (const dir of set.dirs) if ((await listingOf(denormalizeText(dir.path, roots))) !== dir.listing) return false;
  for (const file of set.files) if ((await hashFile(denormalizeText(file.path, roots))) !== file.hash) return false;
  return true;
}

export function sourceParts(set: SourceSet): KeyPart[] {
  const macro = set.macro;
  return [
    ...set.sources.map((source): KeyPart => ({ class: 'source', name: source.path, value: source.hash ?? 'absent' })),
    ...set.envs.map((env): KeyPart => ({ class: 'env-dep', name: env.name, value: env.value ?? 'unset' })),
    ...(macro?.envs ?? []).map((env): KeyPart => ({ class: 'macro-env', name: env.name, value: env.value ?? 'unset' })),
    ...(macro?.files ?? []).map((file): KeyPart => ({ class: 'macro-file', name: file.path, value: file.hash ?? 'absent' })),
    ...(macro?.probes ?? []).map((probe): KeyPart => ({ class: 'macro-probe', name: probe.path, value: probe.exists ? 'exists' : 'absent' })),
    ...(macro?.dirs ?? []).map((dir): KeyPart => ({ class: 'macro-dir', name: dir.path, value: dir.listing ?? 'absent' })),
  ];
}
