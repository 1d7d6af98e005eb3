import { CargoModelError } from './errors.js';
import type { FileSystem } from './file-system.js';
import { parseManifest, type Manifest } from './manifest.js';

/**
 * Reads and parses each Cargo.toml once. A manifest that fails to parse is
 * recorded as an error and reads as absent, so one broken crate does not hide
 * the rest of the repository.
 */
export class ManifestLoader {
  private readonly cache = new Map<string, Manifest | undefined>();
  private readonly unparsable = new Set<string>();
  readonly errors: CargoModelError[] = [];

  constructor(readonly fs: FileSystem) {}

  load(file: string): Manifest | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    let manifest: Manifest | undefined;
    const text = this.fs.readFile(file);
    if (text !== undefined) {
      try {
        manifest = parseManifest(file, text);
      } catch (error) {
        if (!(error instanceof CargoModelError)) throw error;
        this.errors.push(error);
        this.unparsable.add(file);
      }
    }
    this.cache.set(file, manifest);
    return manifest;
  }

  /** True when the file exists, even if it failed to parse. */
  exists(file: string): boolean {
    this.load(file);
    return this.cache.get(file) !== undefined || this.unparsable.has(file);
  }
}
