import type { Tree } from '@nx/devkit';
import { globAsync } from '../../nx-devkit.js';
import { describeCargoGraph } from '../../graph/describe.js';
import { CARGO_NODES_GLOB } from '../../graph/create-nodes.js';
import { CRATE_INPUTS_FILE, PROFILES_DIR } from '../../graph/workspace-inputs.js';
import { pluginOptions, treeFileSystem } from '../shared/nx-cargo-tree.js';

/**
 * `nx-cargo:sync`, a global sync generator (nx.json's sync.globalGenerators,
 * which `init` writes; run by `nx sync`, checked by `nx sync:check`): writes the
 * inputs files of every crate (beside its Cargo.toml) and of every Cargo
 * workspace's profiles (under .nx-cargo/), with the very texts whose hashes
 * the tasks carry as external nodes, and deletes those nothing produces any
 * more. The files exist for `nx affected`, which only sees files: commit
 * them, and let CI run `nx sync:check`.
 */
export async function syncGenerator(tree: Tree): Promise<{ outOfSyncMessage: string } | undefined> {
  const configFiles = (await globAsync(tree, [CARGO_NODES_GLOB])).sort();
  const graph = describeCargoGraph(treeFileSystem(tree), configFiles, pluginOptions(tree));
  const wanted = new Map((graph.inputsFiles ?? []).map((file) => [file.path, file.text]));
  const written: string[] = [];
  for (const [path, text] of wanted) {
    if (tree.exists(path) && tree.read(path, 'utf-8') === text) continue;
    tree.write(path, text);
    written.push(path);
  }
  const deleted: string[] = [];
  for (const path of await globAsync(tree, [`**/${CRATE_INPUTS_FILE}`, `${PROFILES_DIR}/**/profile.*.txt`])) {
    if (wanted.has(path)) continue;
    tree.delete(path);
    deleted.push(path);
  }
  if (written.length === 0 && deleted.length === 0) return undefined;
  const parts = [written.length > 0 ? `${written.length} to write (${sample(written)})` : '', deleted.length > 0 ? `${deleted.length} to delete (${sample(deleted)})` : ''];
  return {
    outOfSyncMessage: `nx-cargo's inputs files do not match Cargo.toml and Cargo.lock: ${parts.filter(Boolean).join(', ')}. Run \`nx sync\` and commit them, or \`nx affected\` misses what they stand for.`,
  };
}

export default syncGenerator;

function sample(paths: string[]): string {
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')}, ...`;
}
