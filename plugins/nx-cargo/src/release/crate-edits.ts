import {
  isSingleVersionRequirement,
  joinPath,
  loadCargoRepository,
  ManifestError,
  moveRequirement,
  parseManifest,
  referencesTo,
  setLockedVersion,
  setTomlStrings,
  versionSource,
  workspaceReferencesTo,
  type DependencyReference,
  type FileSystem,
  type Manifest,
  type VersionSource,
} from '@nx-cargo/cargo-workspace';

/** The files a release reads and edits (Nx's Tree in `nx release`, a map in tests). */
export interface EditableFiles extends FileSystem {
  write(file: string, text: string): void;
}

/** A crate as its Nx project records it (see CargoProjectMetadata). */
export interface CrateLocation {
  name: string;
  /** Repo-relative folder; '' for the root. */
  dir: string;
  manifestFile: string;
  /** Folder of its Cargo workspace root (its own folder when it stands alone). */
  workspaceDir: string;
}

/**
 * Reading and editing the Cargo files of one crate and the crates around it,
 * for `nx release version`: every edit goes through the layout-keeping TOML
 * editing, so comments and formatting stay.
 */
export class CrateEdits {
  /** Inheriting crates by workspace folder: edits change versions, never who inherits one. */
  private readonly inheritors = new Map<string, string[]>();

  constructor(private readonly files: EditableFiles) {}

  /** Where the crate's version is written, and what it is. */
  versionSource(crate: CrateLocation): VersionSource {
    return readVersionSource(this.files, crate);
  }

  /**
   * Writes `version` where the crate's version lives and moves it in the
   * workspace's Cargo.lock, and in the locks of `otherWorkspaces` (folders
   * of other Cargo workspaces whose crates depend on it by path); with
   * `version.workspace = true` that is `[workspace.package]`, and every
   * crate inheriting it moves in the locks.
   */
  writeVersion(crate: CrateLocation, version: string, otherWorkspaces: readonly string[] = []): string[] {
    const source = this.versionSource(crate);
    if (source.kind === 'absent') {
      throw new ManifestError(
        { file: crate.manifestFile },
        `crate \`${crate.name}\` has no \`version\` (cargo reads it as 0.0.0 and does not publish it): give it one, or leave it out of the release groups in nx.json`,
      );
    }
    const moved = source.kind === 'workspace' ? this.versionInheritors(crate).map((dir) => this.nameOf(dir)) : [crate.name];
    const logs: string[] = [];
    // In a fixed group, another crate may have written the shared version already: the locks may still need it.
    if (source.version !== version) {
      this.edit(source.file, [{ path: source.path, value: version }]);
      logs.push(
        source.kind === 'workspace'
          ? `✍️  New version ${version} written to ${source.file} ([workspace.package], inherited by ${moved.join(', ')})`
          : `✍️  New version ${version} written to ${source.file}`,
      );
    }
    const from = source.version === version ? undefined : source.version;
    for (const dir of new Set([crate.workspaceDir, ...otherWorkspaces])) {
      const lockFile = joinPath(dir, 'Cargo.lock');
      const lock = this.files.readFile(lockFile);
      if (lock === undefined) continue;
      let updated = lock;
      const names = moved.filter((name) => {
        const next = setLockedVersion(lockFile, updated, name, from, version);
        const changed = next !== updated;
        updated = next;
        return changed;
      });
      if (names.length === 0) continue;
      this.files.write(lockFile, updated);
      logs.push(`✍️  ${lockFile}: ${names.join(', ')} moved to ${version}`);
    }
    return logs;
  }

  /**
   * Moves every requirement on `crate` in the manifests of `dependents` (and
   * the `[workspace.dependencies]` entries of its own workspace) to
   * `version`, keeping each one's operator. Ranges and wildcards stay as
   * their author wrote them, with a line saying so.
   */
  moveDependents(crate: CrateLocation, dependents: readonly CrateLocation[], version: string): string[] {
    const references = new Map<string, DependencyReference>();
    const root = this.root(crate);
    for (const reference of root ? workspaceReferencesTo(crate.dir, root) : []) references.set(key(reference), reference);
    for (const dependent of dependents) {
      for (const reference of referencesTo(crate.dir, this.manifest(dependent.manifestFile), this.root(dependent))) references.set(key(reference), reference);
    }
    return this.setRequirements(crate.name, [...references.values()], (req) => moveRequirement(req, version), version);
  }

  /**
   * Sets the requirements of `crate` on the given dependencies (by folder)
   * to the given values (Nx's, with its `versionPrefix` applied), where the
   * current requirement is a single version; a range stays as written.
   */
  setDependencyRequirements(crate: CrateLocation, requirements: ReadonlyArray<{ name: string; dir: string; req: string }>): string[] {
    const manifest = this.manifest(crate.manifestFile);
    const root = this.root(crate);
    return requirements.flatMap(({ name, dir, req }) =>
      this.setRequirements(name, referencesTo(dir, manifest, root), (current) => (isSingleVersionRequirement(current) ? req : undefined), req),
    );
  }

  /** The crate's first requirement on the crate in `dir` that has a version, and the table it is in. */
  requirementOn(crate: CrateLocation, dir: string): DependencyReference | undefined {
    return referencesTo(dir, this.manifest(crate.manifestFile), this.root(crate)).find((reference) => reference.req !== undefined);
  }

  /** Folders of the crates in `crate`'s workspace that take their version from `[workspace.package]`. */
  versionInheritors(crate: CrateLocation): string[] {
    const root = this.root(crate);
    if (!root) return [];
    let dirs = this.inheritors.get(root.dir);
    if (!dirs) {
      // Members as Cargo finds them; whether one inherits is in its own manifest (the rest of the model, targets and all, is not needed).
      const members = loadCargoRepository(this.files, [root.file]).workspaces.find((workspace) => workspace.dir === root.dir)?.members ?? [];
      dirs = members.filter((dir) => this.versionSource({ ...crate, dir, manifestFile: joinPath(dir, 'Cargo.toml') }).kind === 'workspace');
      this.inheritors.set(root.dir, dirs);
    }
    return dirs;
  }

  private setRequirements(name: string, references: readonly DependencyReference[], next: (req: string) => string | undefined, target: string): string[] {
    const logs: string[] = [];
    const byFile = new Map<string, Array<{ path: string[]; value: string }>>();
    for (const reference of references) {
      if (reference.req === undefined) continue;
      const value = next(reference.req);
      if (value === undefined) {
        logs.push(`⚠️  Left the requirement "${reference.req}" on ${name} in ${reference.file} (${reference.collection}) as written: check that it admits ${target.replace(/^[\^~=]/, '')}`);
        continue;
      }
      if (value === reference.req) continue;
      const edits = byFile.get(reference.file) ?? [];
      edits.push({ path: [...reference.path, 'version'], value });
      byFile.set(reference.file, edits);
      logs.push(`✍️  Requirement on ${name} in ${reference.file} (${reference.collection}): "${reference.req}" -> "${value}"`);
    }
    for (const [file, edits] of byFile) this.edit(file, edits);
    return logs;
  }

  private edit(file: string, edits: ReadonlyArray<{ path: string[]; value: string }>): void {
    const text = this.files.readFile(file);
    if (text === undefined) throw new ManifestError({ file }, 'the manifest is gone');
    this.files.write(file, setTomlStrings(file, text, edits));
  }

  private manifest(file: string): Manifest {
    return readManifest(this.files, file);
  }

  private root(crate: CrateLocation): Manifest | undefined {
    return readRoot(this.files, crate);
  }

  private nameOf(dir: string): string {
    return this.manifest(joinPath(dir, 'Cargo.toml')).package?.name as string;
  }
}

/** Where a crate's version is written, and what it is, read through `files`. */
export function readVersionSource(files: FileSystem, crate: CrateLocation): VersionSource {
  return versionSource(readManifest(files, crate.manifestFile), readRoot(files, crate));
}

function readManifest(files: FileSystem, file: string): Manifest {
  const text = files.readFile(file);
  if (text === undefined) throw new ManifestError({ file }, 'no such manifest');
  return parseManifest(file, text);
}

/** The manifest of the crate's workspace root, when it has one. */
function readRoot(files: FileSystem, crate: CrateLocation): Manifest | undefined {
  const file = joinPath(crate.workspaceDir, 'Cargo.toml');
  if (files.readFile(file) === undefined) return undefined;
  const manifest = readManifest(files, file);
  return manifest.workspace ? manifest : undefined;
}

function key(reference: DependencyReference): string {
  return `${reference.file}\0${reference.path.join('\0')}`;
}
