import type { Tree } from '@nx/devkit';
import { joinPath } from '@nx-cargo/cargo-workspace';
import type { EditableFiles } from './crate-edits.js';

/** Nx's Tree as the files a release edits: reads see earlier edits, writes stay in the Tree until Nx flushes it (or not, for --dry-run). */
export function treeFiles(tree: Tree): EditableFiles {
  return {
    readFile: (path) => (tree.isFile(path) ? (tree.read(path, 'utf-8') ?? undefined) : undefined),
    readDir: (path) => tree.children(path).map((name) => ({ name, isDirectory: !tree.isFile(joinPath(path, name)) })),
    write: (path, text) => tree.write(path, text),
  };
}
