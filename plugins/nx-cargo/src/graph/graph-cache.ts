import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { CargoGraph } from './types.js';

/** Bumped whenever the shape of a cached graph or the way it is computed changes. */
const CACHE_SCHEMA = 7;

/**
 * Anything changed within this many milliseconds before the graph was read is
 * not trusted to keep its timestamp: a second write in the same clock tick
 * could leave size and times equal (git's "racily clean" problem).
 */
const RACY_WINDOW_MS = 2000;

/** inode, size, mtime and ctime (ms, with sub-microsecond digits). */
type Fingerprint = [number, number, number, number];

interface CacheFile {
  key: string;
  /** Every path the graph read, with its stat fingerprint, or null where it did not exist. */
  fingerprints: Array<[string, Fingerprint | null]>;
  graph: CargoGraph;
}

/**
 * A graph computed before, reused while every file and folder it was read from
 * is unchanged (by inode, size, mtime and ctime, as cargo and git judge
 * freshness). Nx does not cache createNodes without its daemon, so without
 * this every nx command would re-read every manifest.
 */
export class GraphCache {
  private readonly file: string;

  constructor(
    private readonly workspaceRoot: string,
    private readonly key: string,
  ) {
    this.file = join(workspaceDataDirectory(workspaceRoot), 'nx-cargo-graph.json');
  }

  read(): CargoGraph | undefined {
    let cached: CacheFile;
    try {
      cached = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
    } catch {
      return undefined;
    }
    // A file written by hand or by another release reads as a miss, never as a crash.
    if (cached?.key !== this.key || !Array.isArray(cached.fingerprints) || !Array.isArray(cached.graph?.crates)) return undefined;
    for (const [path, expected] of cached.fingerprints) {
      const actual = this.fingerprint(path);
      if (!sameFingerprint(actual, expected)) return undefined;
    }
    return cached.graph;
  }

  /** Stores the graph unless one of its sources changed too recently to be judged by timestamps. */
  write(graph: CargoGraph, readPaths: Iterable<string>, startedAtMs: number): void {
    const fingerprints: Array<[string, Fingerprint | null]> = [];
    for (const path of readPaths) {
      const fingerprint = this.fingerprint(path);
      if (fingerprint && Math.max(fingerprint[2], fingerprint[3]) > startedAtMs - RACY_WINDOW_MS) return;
      fingerprints.push([path, fingerprint]);
    }
    const content: CacheFile = { key: this.key, fingerprints, graph };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(content));
      renameSync(temporary, this.file);
    } catch {
      // A cache that cannot be written only costs time on the next run.
    }
  }

  /** Millisecond times keep sub-microsecond digits; bigint stats cost three times as much at 1,500 paths. */
  private fingerprint(path: string): Fingerprint | null {
    const stats = statSync(join(this.workspaceRoot, path), { throwIfNoEntry: false });
    return stats ? [stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs] : null;
  }
}

function sameFingerprint(actual: Fingerprint | null, expected: Fingerprint | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  return actual[0] === expected[0] && actual[1] === expected[1] && actual[2] === expected[2] && actual[3] === expected[3];
}

/**
 * The cache key: everything besides the files that decides the graph. Node's
 * built-in sha256 rather than blake3: blake3 runs as WebAssembly here and took
 * 2 ms for a 500-crate file list, a tenth of a whole cache hit.
 */
export function graphCacheKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify([CACHE_SCHEMA, ...parts])).digest('hex');
}

/** Where Nx keeps per-checkout data; NX_WORKSPACE_DATA_DIRECTORY moves it, as it does for Nx. */
function workspaceDataDirectory(workspaceRoot: string): string {
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY;
  if (!configured) return join(workspaceRoot, '.nx', 'workspace-data');
  return isAbsolute(configured) ? configured : join(workspaceRoot, configured);
}
