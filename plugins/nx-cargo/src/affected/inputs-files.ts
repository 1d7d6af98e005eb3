import { joinPath, loadCargoRepository, type FileSystem } from '@nx-cargo/cargo-workspace';
import { describeCargoGraph } from '../graph/describe.js';
import type { InternalPluginOptions } from '../graph/options.js';

/**
 * The inputs files of the Cargo workspace (or package standing alone) whose
 * root is `dir`, as `nx sync` writes them: path -> text, for its crates and
 * profiles, made by the same description of the graph that the task hashes
 * come from (crates the options leave out have none). Undefined when its
 * root manifest is missing or does not parse.
 */
export function workspaceInputsFiles(fs: FileSystem, dir: string, options?: InternalPluginOptions): Map<string, string> | undefined {
  const rootManifest = joinPath(dir, 'Cargo.toml');
  const repository = loadCargoRepository(fs, [rootManifest]);
  const packages = repository.packages.filter((pkg) => pkg.workspaceDir === dir);
  if (!repository.workspaces.some((workspace) => workspace.dir === dir) && packages.length === 0) return undefined;
  const manifests = [...new Set([rootManifest, ...packages.map((pkg) => pkg.manifestFile)])].sort();
  const graph = describeCargoGraph(fs, manifests, options);
  return new Map((graph.inputsFiles ?? []).map((file) => [file.path, file.text]));
}
