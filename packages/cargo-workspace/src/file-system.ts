/**
 * The only I/O the model needs, so that its logic runs against the real disk
 * in tools and against any other source in tests. Paths are relative to the
 * repository root and use forward slashes; '' is the root itself.
 */
export interface FileSystem {
  /** File contents, or undefined when there is no such file. */
  readFile(path: string): string | undefined;
  /** Entries of a directory, or [] when there is no such directory. */
  readDir(path: string): DirEntry[];
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}
