import type { CargoMessage } from '@nx-cargo/cargo-workspace';
import type { RecordedProcess } from '@nx-cargo/crate-cache';
import { posix } from 'node:path';
import { crateInputsFile, inputsNodeName } from '../graph/workspace-inputs.js';
import { auditReport, type AuditReport, type AuditSubject } from './audit-report.js';
import { traceBuild, type BuildPlace, type TraceFileSystem } from './cargo-reads.js';
import { resolveTaskInputs, type InputModel, type ProjectInputs } from './input-coverage.js';
import { recordedReads } from './recorded-reads.js';
import { coverageOf, type CoverageBasis } from './task-coverage.js';

/** One finished build, as the audit and strict mode see it. */
export interface FinishedBuild {
  /** cargo's `--message-format=json` lines, parsed. */
  messages: readonly CargoMessage[];
  /** The recorder's logs; [] when the build ran unrecorded. */
  processes: readonly RecordedProcess[];
  place: BuildPlace & { cargoHome: string };
}

/**
 * What a build read that the task's inputs do not cover: rustc's dep-info,
 * build scripts' rerun-if lines and cargo's own files (cargo-reads.ts),
 * and what the recorder saw proc macros, build scripts and the programs
 * they ran read (recorded-reads.ts), each checked against the task's inputs.
 * The one check behind nx-cargo-audit and strict inputs.
 */
export function checkBuild(subject: AuditSubject, build: FinishedBuild, basis: CoverageBasis, fs: TraceFileSystem): { report: AuditReport; problems: string[] } {
  const trace = traceBuild(build.messages, build.place, fs);
  const reads = [...trace.reads, ...recordedReads(build.processes, build.place, fs)];
  return { report: auditReport(subject, reads, (read) => coverageOf(read, basis)), problems: trace.problems };
}

/**
 * The basis for checking one task from the project graph: its inputs
 * resolved as Nx resolves them, and whether it hashes the crate's part of
 * the workspace Cargo.toml and Cargo.lock (nx-cargo's external node for the
 * crate, graph/workspace-inputs.ts).
 */
export function taskBasis(
  model: InputModel,
  task: { project: string; target: string; manifestFile: string },
  fs: TraceFileSystem & { nxRoot: string },
  resolved: { hashedFiles?: ReadonlySet<string>; environment?: ReadonlySet<string> } = {},
): CoverageBasis {
  const project: ProjectInputs | undefined = model.projects[task.project];
  const crateDir = posix.dirname(task.manifestFile) === '.' ? '' : posix.dirname(task.manifestFile);
  const crateNode = JSON.stringify(inputsNodeName(crateInputsFile(crateDir)));
  const hashesWorkspaceParts = JSON.stringify([project?.namedInputs ?? {}, project?.targets?.[task.target]?.inputs ?? []]).includes(crateNode);
  return {
    model,
    inputs: resolveTaskInputs(model, task.project, task.target),
    ...resolved,
    hashesWorkspaceParts,
    filesIn: (dir) => {
      const full = posix.join(fs.nxRoot, dir);
      return fs.readDir(full).filter((name) => fs.fileId(posix.join(full, name)) !== undefined && !fs.isDirectory(posix.join(full, name))).map((name) => posix.join(dir, name));
    },
  };
}
