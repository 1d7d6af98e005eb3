import type { Tree } from '@nx/devkit';
import { treeFileSystem } from '../generators/shared/nx-cargo-tree.js';
import type { EditableFiles } from './crate-edits.js';

/** Nx's Tree as the files a release edits: reads see earlier edits, writes stay in the Tree until Nx flushes it (or not, for --dry-run). */
export function treeFiles(tree: Tree): EditableFiles {
  return { ...treeFileSystem(tree), write: (path, text) => tree.write(path, text) };
}
