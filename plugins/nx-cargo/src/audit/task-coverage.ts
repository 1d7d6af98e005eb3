import { posix } from 'node:path';
import { filesInstead, runtimeCommand, type Coverage, type ProgramRun, type Read } from './audit-report.js';
import { isFileDeclared, type InputModel, type TaskInputs } from './input-coverage.js';

/** What decides whether a task's inputs cover a read. */
export interface CoverageBasis {
  /** The task's inputs as patterns, variables and commands (`resolveTaskInputs`). */
  model: InputModel;
  inputs: TaskInputs;
  /** The files Nx hashes for the task (`nx show target inputs`), when known: tells a declared but ignored file apart. */
  hashedFiles?: ReadonlySet<string>;
  /** The variables Nx hashes for the task, when known; else those of `inputs`. */
  environment?: ReadonlySet<string>;
  /**
   * The task hashes the crate's part of the workspace Cargo.toml and
   * Cargo.lock through nx-cargo's external node (graph/workspace-inputs.ts),
   * so cargo's reads of those two files are covered without naming them.
   */
  hashesWorkspaceParts: boolean;
  /** The workspace-relative files directly in a workspace-relative folder, now. */
  filesIn(dir: string): string[];
}

/**
 * Whether the task's inputs cover one read: a file when Nx hashes it (or,
 * without Nx's list, a pattern declares it); a listing when a new file in
 * the folder, or in a new folder inside it, would be declared and every file
 * in it is covered (a subfolder shows in a listing, and in Nx's hash only
 * through the files below it); a variable
 * when it is an `env` input, or a cargo config `[env]` entry gives it its
 * value from a covered file; a program when a `runtime` input runs its
 * command (in any folder), or when it read files only and all of them are
 * covered.
 */
export function coverageOf(read: Read, basis: CoverageBasis): Coverage {
  switch (read.kind) {
    case 'file':
      if (basis.hashesWorkspaceParts && read.readerPackage === '' && (read.via === 'workspace manifest' || read.via === 'lock file')) return 'covered';
      return fileCoverage(read.subject, basis, read.absent === true);
    case 'dir':
      return dirCoverage(read.subject, basis);
    case 'env': {
      if ((basis.environment ?? basis.inputs.env).has(read.subject)) return 'covered';
      if (read.setBy !== undefined && fileCoverage(read.setBy, basis, false) === 'covered') return 'covered';
      return 'undeclared';
    }
    case 'program':
      return read.program ? programCoverage(read.program, basis) : 'undeclared';
  }
}

function fileCoverage(file: string, basis: CoverageBasis, absent: boolean): Coverage {
  if (basis.hashedFiles?.has(file)) return 'covered';
  const declared = isFileDeclared(basis.model, basis.inputs, file);
  if (!declared) return 'undeclared';
  // A file that does not exist yet is hashed once it does, when a pattern names it.
  return basis.hashedFiles && !absent ? 'not-hashed' : 'covered';
}

/** A name no folder holds yet: a pattern that declares it declares whatever is added to the folder. */
const NEW_ENTRY = '.nx-cargo-new-entry';

function dirCoverage(dir: string, basis: CoverageBasis): Coverage {
  for (const added of [posix.join(dir, NEW_ENTRY), posix.join(dir, NEW_ENTRY, NEW_ENTRY)]) if (!isFileDeclared(basis.model, basis.inputs, added)) return 'undeclared';
  const below = basis.filesIn(dir).map((file) => fileCoverage(file, basis, false));
  if (below.includes('undeclared')) return 'undeclared';
  return below.includes('not-hashed') ? 'not-hashed' : 'covered';
}

function programCoverage(program: ProgramRun, basis: CoverageBasis): Coverage {
  const command = withoutCd(runtimeCommand(program));
  if ([...basis.inputs.runtime].some((declared) => withoutCd(declared) === command)) return 'covered';
  const files = filesInstead(program);
  return files !== undefined && files.every((file) => fileCoverage(file, basis, false) === 'covered') ? 'covered' : 'undeclared';
}

/** A command with white space folded and a leading `cd <dir> &&` dropped: where a runtime input runs is the user's choice. */
function withoutCd(command: string): string {
  return command
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^cd ('[^']*'|"[^"]*"|\S+) ?&& ?/, '');
}
