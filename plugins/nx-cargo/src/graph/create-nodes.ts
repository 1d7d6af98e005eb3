import type { CreateNodesContextV2 } from '@nx/devkit';
import { nodeFileSystem } from '@nx-cargo/cargo-workspace';
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeCargoGraph } from './describe.js';
import { GraphCache, graphCacheKey } from './graph-cache.js';
import type { InternalPluginOptions } from './options.js';
import { toCreateNodesResults } from './project-configuration.js';
import type { Input } from './target-inputs.js';
import type { CreateNodesResults } from './types.js';
import { recordingFileSystem } from './recording-file-system.js';
import { warn } from './warn.js';

/** Cargo manifests, plus the files that name other plugins' projects (to avoid name clashes). */
export const CARGO_NODES_GLOB = '**/{Cargo.toml,package.json,project.json}';

/**
 * The code that computes the graph, by the size and time of each compiled
 * file of the plugin and the model: an upgrade, a rebuild or a linked
 * development copy must never reuse a graph an older version derived.
 */
const CODE_FINGERPRINT = [join(__dirname, '..'), dirname(require.resolve('@nx-cargo/cargo-workspace'))].flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => {
      const stats = statSync(join(dir, file));
      return `${file}:${stats.size}:${stats.mtimeMs}`;
    }),
);

export function createCargoNodes(configFiles: readonly string[], options: InternalPluginOptions | undefined, context: CreateNodesContextV2): CreateNodesResults {
  const sortedFiles = [...configFiles].sort();
  const cargoTargetDir = targetDirFromEnvironment(context.workspaceRoot);
  const nxJsonDefault = context.nxJsonConfiguration?.namedInputs?.default as Input[] | undefined;
  const cache = new GraphCache(context.workspaceRoot, graphCacheKey([CODE_FINGERPRINT, options ?? {}, sortedFiles, cargoTargetDir ?? null, nxJsonDefault ?? null]));
  // Nx's own switch for not reusing a project graph turns this cache off too.
  const useCache = process.env.NX_CACHE_PROJECT_GRAPH !== 'false';
  let nodes = useCache ? cache.read() : undefined;
  if (!nodes) {
    const startedAtMs = Date.now();
    const { fs, readPaths } = recordingFileSystem(nodeFileSystem(context.workspaceRoot));
    const graph = describeCargoGraph(fs, sortedFiles, options, cargoTargetDir);
    nodes = { results: toCreateNodesResults(graph, nxJsonDefault, options), warnings: graph.warnings };
    if (useCache) cache.write(nodes, readPaths, startedAtMs);
  }
  for (const message of nodes.warnings) warn(message);
  return nodes.results;
}

/**
 * CARGO_TARGET_DIR as a repo-relative folder. Nx caches outputs inside the
 * workspace only, so a folder outside it is reported and left out.
 */
function targetDirFromEnvironment(workspaceRoot: string): string | undefined {
  const configured = process.env.CARGO_TARGET_DIR;
  if (!configured) return undefined;
  const relativeDir = relative(workspaceRoot, resolve(workspaceRoot, configured)).split(sep).join('/');
  if (relativeDir.startsWith('..') || isAbsolute(relativeDir)) {
    warn(`CARGO_TARGET_DIR=${configured} is outside the workspace: Nx can only cache build artifacts inside it, so builds will not restore them`);
    return undefined;
  }
  return relativeDir;
}
