/** Where in a file a problem sits; line and column are 1-based. */
export interface FileLocation {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  line?: number;
  column?: number;
}

/**
 * Every problem the model reports: it names the file, where known the line,
 * and says what is wrong and how to fix it, so one bad manifest never hides
 * behind a generic failure.
 */
export class CargoModelError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly reason: string;

  constructor(location: FileLocation, reason: string) {
    const where = location.line
      ? `${location.file}:${location.line}${location.column ? `:${location.column}` : ''}`
      : location.file;
    super(`${where}: ${reason}`);
    this.name = new.target.name;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.reason = reason;
  }
}

/** A manifest that is not valid TOML or breaks Cargo's schema. */
export class ManifestError extends CargoModelError {}

/** Workspace layout problems: members that match nothing, missing path deps. */
export class WorkspaceError extends CargoModelError {}

/** A Cargo.lock that does not parse or has an unknown shape. */
export class LockfileError extends CargoModelError {}
