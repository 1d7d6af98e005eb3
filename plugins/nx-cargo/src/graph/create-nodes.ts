import type { CreateNodesContextV2 } from '@nx/devkit';
import { nodeFileSystem } from '@nx-cargo/cargo-workspace';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCargoGraph, toCreateNodesResults, type CreateNodesResults } from './cargo-graph.js';
import { GraphCache, graphCacheKey } from './graph-cache.js';
import type { NxCargoPluginOptions } from './options.js';
import { recordingFileSystem } from './recording-file-system.js';
import { warn } from './warn.js';

/** Cargo manifests, plus the files that name other plugins' projects (to avoid name clashes). */
export const CARGO_NODES_GLOB = '**/{Cargo.toml,package.json,project.json}';

/** Versions of the code that computes the graph: a new release must not reuse an old graph. */
const CODE_VERSIONS = [join(__dirname, '../../package.json'), require.resolve('@nx-cargo/cargo-workspace/package.json')].map(
  (file) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version,
);

export function createCargoNodes(configFiles: readonly string[], options: NxCargoPluginOptions | undefined, context: CreateNodesContextV2): CreateNodesResults {
  const sortedFiles = [...configFiles].sort();
  const cache = new GraphCache(context.workspaceRoot, graphCacheKey([CODE_VERSIONS, options ?? {}, sortedFiles]));
  // Nx's own switch for not reusing a project graph turns this cache off too.
  const useCache = process.env.NX_CACHE_PROJECT_GRAPH !== 'false';
  let graph = useCache ? cache.read() : undefined;
  if (!graph) {
    const startedAtMs = Date.now();
    const { fs, readPaths } = recordingFileSystem(nodeFileSystem(context.workspaceRoot));
    graph = describeCargoGraph(fs, sortedFiles, options);
    if (useCache) cache.write(graph, readPaths, startedAtMs);
  }
  for (const message of graph.warnings) warn(message);
  return toCreateNodesResults(graph);
}
