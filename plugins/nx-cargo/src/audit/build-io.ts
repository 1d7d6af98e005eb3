import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix } from 'node:path';
import type { TraceFileSystem } from './cargo-reads.js';

/** The disk as the build checks read it. */
export const nodeFs: TraceFileSystem = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  fileId(path) {
    try {
      const stat = statSync(path);
      return `${stat.dev}:${stat.ino}`;
    } catch {
      return undefined;
    }
  },
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  filesBelow(path) {
    return readdirSync(path, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => posix.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
  },
};

/** Cargo's home, as cargo finds it: CARGO_HOME, else ~/.cargo. */
export function cargoHome(env: NodeJS.ProcessEnv): string {
  return env.CARGO_HOME ? posix.normalize(env.CARGO_HOME) : join(env.HOME || homedir(), '.cargo');
}
