import type { Tree } from '@nx/devkit';
import { readNxJson } from '../../nx-devkit.js';
import type { DirEntry, FileSystem } from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';
import { pluginOptionsIn, type NxCargoPluginOptions } from '../../graph/options.js';

/** The options of the plugin's entry in nx.json, as createNodes gets them. */
export function pluginOptions(tree: Tree): NxCargoPluginOptions | undefined {
  return pluginOptionsIn(readNxJson(tree) ?? undefined);
}

/** The model's file system over a generator's tree, so that the files follow pending changes too. */
export function treeFileSystem(tree: Tree): FileSystem {
  return {
    readFile: (path) => (tree.isFile(path) ? (tree.read(path, 'utf-8') ?? undefined) : undefined),
    readDir: (path): DirEntry[] =>
      tree.exists(path) && !tree.isFile(path) ? tree.children(path).map((name) => ({ name, isDirectory: !tree.isFile(posix.join(path, name)) })) : [],
  };
}
