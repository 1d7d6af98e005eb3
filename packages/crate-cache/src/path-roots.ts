import * as path from 'node:path';

/**
 * The absolute folders that differ between two checkouts of the same
 * workspace. Keys, stored dep-info and replayed diagnostics name them by
 * sentinel, so a second checkout at another path (or with another target
 * dir) computes the same key and gets its own paths back on restore.
 */
export interface PathRoots {
  workspace: string;
  /** The profile folder of the target dir (`<target>/debug`), derived from `--out-dir`. */
  targetProfile: string;
  cargoHome: string;
  home: string;
}

type RootName = keyof PathRoots;

const SENTINELS: Record<RootName, string> = {
  workspace: '/@nx-cargo/workspace',
  targetProfile: '/@nx-cargo/target-profile',
  cargoHome: '/@nx-cargo/cargo-home',
  home: '/@nx-cargo/home',
};

/** Roots longest first, so a target dir inside the workspace wins over the workspace. */
function ordered(roots: PathRoots): Array<[string, string]> {
  return (Object.keys(SENTINELS) as RootName[])
    .map((name): [string, string] => [stripSlash(roots[name]), SENTINELS[name]])
    .filter(([dir]) => dir.length > 1)
    .sort((a, b) => b[0].length - a[0].length);
}

function stripSlash(dir: string): string {
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/** Replaces every occurrence of a root (followed by `/` or the end of a token) with its sentinel. */
export function normalizeText(text: string, roots: PathRoots): string {
  let out = text;
  for (const [dir, sentinel] of ordered(roots)) out = replaceRoot(out, dir, sentinel);
  return out;
}

/** The reverse of `normalizeText` for this checkout's roots. */
export function denormalizeText(text: string, roots: PathRoots): string {
  let out = text;
  for (const [dir, sentinel] of ordered(roots)) out = out.split(sentinel).join(dir);
  return out;
}

function replaceRoot(text: string, dir: string, sentinel: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(dir); at !== -1; at = text.indexOf(dir, at + dir.length)) {
    const next = text[at + dir.length];
    // `/work/app` must not match inside `/work/apple`.
    if (next !== undefined && /[\w.-]/.test(next)) continue;
    out += text.slice(from, at) + sentinel;
    from = at + dir.length;
  }
  return out + text.slice(from);
}

/** A path as the key sees it: absolute (resolved against cwd), then normalized. */
export function normalizePath(file: string, cwd: string, roots: PathRoots): string {
  return normalizeText(path.resolve(cwd, file), roots);
}

/**
 * The profile folder cargo compiles into: `--out-dir` is `<profile>/deps`,
 * `<profile>/examples` or `<profile>/build/<unit>` (build scripts).
 */
export function targetProfileOf(outDir: string): string {
  const base = path.basename(outDir);
  if (base === 'deps' || base === 'examples') return path.dirname(outDir);
  if (path.basename(path.dirname(outDir)) === 'build') return path.dirname(path.dirname(outDir));
  return outDir;
}

/** `--remap-path-prefix` pairs that make rustc write sentinel paths into artifacts (debuginfo, panics). */
export function remapPairs(roots: PathRoots): Array<[string, string]> {
  return ordered(roots).filter(([dir]) => dir !== stripSlash(roots.home));
}
