import { hash } from 'blake3';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { CargoGraph } from './cargo-graph.js';

/** Bumped whenever the shape of a cached graph or the way it is computed changes. */
const CACHE_SCHEMA = 1;

/**
 * Anything changed within this many milliseconds before the graph was read is
 * not trusted to keep its timestamp: a second write in the same clock tick
 * could leave size and times equal (git's "racily clean" problem).
 */
const RACY_WINDOW_MS = 2000;

interface CacheFile {
  key: string;
  /** Every path the graph read, with its stat fingerprint, or null where it did not exist. */
  fingerprints: Array<[string, string | null]>;
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
    if (cached.key !== this.key) return undefined;
    for (const [path, fingerprint] of cached.fingerprints) {
      if (this.fingerprint(path)?.id !== (fingerprint ?? undefined)) return undefined;
    }
    return cached.graph;
  }

  /** Stores the graph unless one of its sources changed too recently to be judged by timestamps. */
  write(graph: CargoGraph, readPaths: Iterable<string>, startedAtMs: number): void {
    const fingerprints: Array<[string, string | null]> = [];
    for (const path of readPaths) {
      const fingerprint = this.fingerprint(path);
      if (fingerprint && fingerprint.changedAtMs > startedAtMs - RACY_WINDOW_MS) return;
      fingerprints.push([path, fingerprint?.id ?? null]);
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
  private fingerprint(path: string): { id: string; changedAtMs: number } | undefined {
    const stats = statSync(join(this.workspaceRoot, path), { throwIfNoEntry: false });
    if (!stats) return undefined;
    return { id: `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`, changedAtMs: Math.max(stats.mtimeMs, stats.ctimeMs) };
  }
}

/** The cache key: everything besides the files that decides the graph. */
export function graphCacheKey(parts: unknown[]): string {
  return hash(JSON.stringify([CACHE_SCHEMA, ...parts])).toString('hex');
}

/** Where Nx keeps per-checkout data; NX_WORKSPACE_DATA_DIRECTORY moves it, as it does for Nx. */
function workspaceDataDirectory(workspaceRoot: string): string {
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY;
  if (!configured) return join(workspaceRoot, '.nx', 'workspace-data');
  return isAbsolute(configured) ? configured : join(workspaceRoot, configured);
}
