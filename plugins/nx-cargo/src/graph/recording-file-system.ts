import type { FileSystem } from '@nx-cargo/cargo-workspace';

/**
 * Wraps a FileSystem and remembers every path read or listed, found or not:
 * the graph is a function of exactly these, so they are what a cached graph
 * must be checked against.
 */
export function recordingFileSystem(fs: FileSystem): { fs: FileSystem; readPaths: Set<string> } {
  const readPaths = new Set<string>();
  return {
    readPaths,
    fs: {
      readFile(path) {
        readPaths.add(path);
        return fs.readFile(path);
      },
      readDir(path) {
        readPaths.add(path);
        return fs.readDir(path);
      },
    },
  };
}
