import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { CreateNodesResults } from './types.js';

/** Bumped whenever the shape of a cached graph or the way it is computed changes. */
const CACHE_SCHEMA = 8;

/**
 * Anything changed within this many milliseconds before the graph was read is
 * not trusted to keep its timestamp: a second write in the same clock tick
 * could leave size and times equal (git's "racily clean" problem).
 */
const RACY_WINDOW_MS = 2000;

/** inode, size, mtime and ctime (ms, with sub-microsecond digits). */
type Fingerprint = [number, number, number, number];

/**
 * What createNodes answered, with the warnings to repeat: the finished
 * results rather than the graph they come from, since JSON.parse is native
 * code while building 500 projects' targets runs cold JavaScript in every
 * fresh Nx process (a cache hit took 86 ms that way, of which 50 building).
 */
export interface CachedNodes {
  results: CreateNodesResults;
  warnings: string[];
}

/**
 * The small file, read first: a miss (a Cargo file changed) costs a few
 * stats, not the parse of megabytes of nodes that will not be used.
 */
interface HeaderFile {
  key: string;
  /** Every path the graph read, with its stat fingerprint, or null where it did not exist. */
  fingerprints: Array<[string, Fingerprint | null]>;
  /** Names the nodes file written with this header; a mismatch (a write in between) reads as a miss. */
  nodesId: string;
}

interface NodesFile {
  id: string;
  nodes: CachedNodes;
}

/**
 * Nodes computed before, reused while every file and folder they were read
 * from is unchanged (by inode, size, mtime and ctime, as cargo and git judge
 * freshness). Nx does not cache createNodes without its daemon, so without
 * this every nx command would re-read every manifest.
 */
export class GraphCache {
  private readonly headerFile: string;
  private readonly nodesFile: string;

  constructor(
    private readonly workspaceRoot: string,
    private readonly key: string,
  ) {
    const dir = workspaceDataDirectory(workspaceRoot);
    this.headerFile = join(dir, 'nx-cargo-graph.json');
    this.nodesFile = join(dir, 'nx-cargo-nodes.json');
  }

  read(): CachedNodes | undefined {
    // A file written by hand or by another release reads as a miss, never as a crash.
    const header = readJson<HeaderFile>(this.headerFile);
    if (header?.key !== this.key || !Array.isArray(header.fingerprints) || typeof header.nodesId !== 'string') return undefined;
    for (const [path, expected] of header.fingerprints) {
      const actual = this.fingerprint(path);
      if (!sameFingerprint(actual, expected)) return undefined;
    }
    const stored = readJson<NodesFile>(this.nodesFile);
    if (stored?.id !== header.nodesId || !Array.isArray(stored.nodes?.results) || !Array.isArray(stored.nodes.warnings)) return undefined;
    return stored.nodes;
  }

  /** Stores the nodes unless one of their sources changed too recently to be judged by timestamps. */
  write(nodes: CachedNodes, readPaths: Iterable<string>, startedAtMs: number): void {
    const fingerprints: Array<[string, Fingerprint | null]> = [];
    for (const path of readPaths) {
      const fingerprint = this.fingerprint(path);
      if (fingerprint && Math.max(fingerprint[2], fingerprint[3]) > startedAtMs - RACY_WINDOW_MS) return;
      fingerprints.push([path, fingerprint]);
    }
    const nodesId = randomUUID();
    try {
      mkdirSync(dirname(this.headerFile), { recursive: true });
      // Nodes first: a header never names nodes that are not there yet.
      replaceFile(this.nodesFile, JSON.stringify({ id: nodesId, nodes } satisfies NodesFile));
      replaceFile(this.headerFile, JSON.stringify({ key: this.key, fingerprints, nodesId } satisfies HeaderFile));
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

function readJson<T>(file: string): Partial<T> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<T>;
  } catch {
    return undefined;
  }
}

/** Readers see the old file or the new one, never half of one. */
function replaceFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
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
