import { buildScriptReads, compileReads, processRole, type RecordedProcess, type RecordedRead } from '@nx-cargo/crate-cache';
import { posix } from 'node:path';
import { commandLine, type ProgramRun, type Read } from './audit-report.js';
import { isSetByCargo } from './cargo-env.js';
import { externalVariableCounts } from './cargo-reads.js';

/** Where a recorded build ran. */
export interface RecordingPlace {
  /** The Nx workspace root, absolute. */
  nxRoot: string;
  /** Cargo's target folder, absolute: what the build writes there is output, not input. */
  targetDir: string;
  /** Cargo's home (registry and git sources, pinned by the lock file), absolute. */
  cargoHome: string;
  /** The environment cargo ran with: the values of the variables read. */
  environment: Record<string, string | undefined>;
}

/** What deciding about a path needs to know of the disk now. */
export interface RecordingFileSystem {
  isDirectory(path: string): boolean;
}

/**
 * What proc macros and build scripts read during a recorded build (the
 * recorder's logs, see packages/crate-cache/recorder/README.md), in the
 * audit's terms. The recorder's noise rule has already dropped std's and
 * cargo's own knobs, the toolchain, /dev, /proc, /sys and a build script's
 * own OUT_DIR; of the rest, a read counts when it can change what the build
 * produces and no other input covers it:
 *
 * - variables, unless cargo sets them for that reader (their values follow
 *   from the manifest, profile and target, which the task hashes);
 * - files and folder listings inside the Nx workspace, outside cargo's
 *   target folder and cargo's home; an existing folder's mere existence
 *   (a stat) is left out: Nx hashes files, and the files below it are
 *   reads of their own when they matter;
 * - programs run by a proc macro or by a workspace crate's build script.
 *   A registry crate's build script runs the machine's tools (cc, ar,
 *   pkg-config) on its own, pinned sources, which the task layer leaves to
 *   the machine as it leaves the linker: only what those tools read in the
 *   workspace counts. The same holds for a program given the build's own
 *   output as arguments (cc compiling into OUT_DIR): it transforms build
 *   output, and only its workspace reads count.
 *
 * A registry crate's build script (or a proc macro compiling a registry
 * crate) counts like a workspace crate's for workspace files, and for
 * variables when they were set during the build (`externalVariableCounts`:
 * unset, they are the many toolchain knobs such crates probe).
 */
export function recordedReads(processes: readonly RecordedProcess[], place: RecordingPlace, fs: RecordingFileSystem): Read[] {
  const reads: Read[] = [];
  const tree = new ProcessTree(processes);
  const inWorkspace = (path: string): string | undefined => workspaceRelative(path, place);
  for (const process of processes) {
    const role = roleOf(process);
    if (role === 'other') continue;
    const manifestDir = process.context.CARGO_MANIFEST_DIR;
    const pkg = process.context.CARGO_PKG_NAME ?? '';
    const crateDir = manifestDir === undefined ? undefined : inWorkspace(manifestDir);
    const reader = { reader: crateDir ?? '', readerPackage: pkg, ...(crateDir === undefined ? { external: true as const } : {}) };
    const readers =
      role === 'rustc'
        ? compileReads(process).readers.flatMap((entry) => (entry.reader.kind === 'proc-macro' ? [{ via: `proc macro ${entry.reader.crate}`, ranBy: `proc macro ${entry.reader.crate}`, reads: entry.reads }] : []))
        : buildScriptReads(process).readers.map((entry) => ({ via: 'build script', ranBy: 'the build script', reads: entry.reads }));
    const setBy = role === 'rustc' ? 'rustc' : 'build-script';
    for (const { via, ranBy, reads: recorded } of readers) {
      for (const read of recorded) {
        if (read.kind === 'program') {
          const run = programRun(read, process, tree, place);
          const command = commandLine(run.argv);
          // A registry crate's tools, or a tool fed the build's own output: what it read in the workspace is what counts.
          if (reader.external === true || run.usesBuildOutput) {
            const ranVia = `\`${command}\` run by ${ranBy}`;
            for (const path of run.reads) reads.push({ kind: 'file', subject: path, ...reader, via: ranVia });
            for (const path of run.listings) reads.push({ kind: 'dir', subject: path, ...reader, via: ranVia });
          } else {
            reads.push({ kind: 'program', subject: command, program: run, ...reader, via });
          }
          continue;
        }
        if (read.kind === 'env' && reader.external === true && !externalVariableCounts(read.name, setBy, read.found ? (place.environment[read.name] ?? '') : undefined)) continue;
        const converted = convert(read, setBy, place, fs);
        if (converted) reads.push({ ...converted, ...reader, via });
      }
    }
  }
  return reads;
}

/** clippy-driver (cargo clippy's wrapper for workspace crates) is rustc in-process, loading the same proc macros. */
function roleOf(process: RecordedProcess): ReturnType<typeof processRole> {
  const role = processRole(process);
  return role === 'other' && posix.basename(process.exe) === 'clippy-driver' && process.argv.includes('--crate-name') ? 'rustc' : role;
}

type Subject = Pick<Read, 'kind' | 'subject' | 'value' | 'unset' | 'absent'>;

function convert(read: Exclude<RecordedRead, { kind: 'program' }>, reader: 'rustc' | 'build-script', place: RecordingPlace, fs: RecordingFileSystem): Subject | undefined {
  if (read.kind === 'env') {
    if (isSetByCargo(read.name, reader)) return undefined;
    const value = place.environment[read.name];
    return { kind: 'env', subject: read.name, ...(read.found && value !== undefined ? { value } : {}), ...(read.found ? {} : { unset: true }) };
  }
  const path = workspaceRelative(read.path, place);
  if (path === undefined) return undefined;
  if (read.kind === 'dir') return { kind: 'dir', subject: path };
  if (read.kind === 'probe' && read.result === 'found' && fs.isDirectory(normalize(read.path))) return undefined;
  return { kind: 'file', subject: path, ...(read.result === 'absent' ? { absent: true } : {}) };
}

/** The recorded processes by parent, to find what a program a reader ran did in turn. */
class ProcessTree {
  private readonly byParent = new Map<number, RecordedProcess[]>();
  private readonly byPid = new Map<number, RecordedProcess[]>();

  constructor(processes: readonly RecordedProcess[]) {
    for (const process of processes) {
      push(this.byParent, process.ppid, process);
      push(this.byPid, process.pid, process);
    }
  }

  /**
   * The process a reader started for `argv`, and every image and child it
   * led to. A child is told from an earlier process with the same pid by
   * starting after its parent; exec keeps the pid, so later images of the
   * child's pid are the same program's continuation.
   */
  started(parent: RecordedProcess, argv: readonly string[]): RecordedProcess[] {
    const child = (this.byParent.get(parent.pid) ?? []).find((candidate) => candidate.startNs >= parent.startNs && sameArgv(candidate.argv, argv));
    if (!child) return [];
    const found: RecordedProcess[] = [];
    const queue = [child];
    const seen = new Set<RecordedProcess>();
    while (queue.length > 0) {
      const next = queue.shift() as RecordedProcess;
      if (seen.has(next)) continue;
      seen.add(next);
      found.push(next);
      for (const image of this.byPid.get(next.pid) ?? []) if (image.startNs > next.startNs) queue.push(image);
      for (const grandchild of this.byParent.get(next.pid) ?? []) if (grandchild.startNs >= next.startNs) queue.push(grandchild);
    }
    return found;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

function programRun(read: Extract<RecordedRead, { kind: 'program' }>, parent: RecordedProcess, tree: ProcessTree, place: RecordingPlace): ProgramRun {
  const started = tree.started(parent, read.argv);
  const cwdAbsolute = started[0]?.cwd ?? parent.cwd;
  const cwd = workspaceRelative(cwdAbsolute, place);
  const outDir = parent.context.OUT_DIR;
  const usesBuildOutput = read.argv.slice(1).some((arg) => arg.includes(place.targetDir) || (outDir !== undefined && arg.includes(outDir)));
  // A tool of the machine by its name, as a runtime input finds it on PATH (sqlx runs `$CARGO`, an absolute toolchain path).
  const program = posix.isAbsolute(read.argv[0] ?? '') && workspaceRelative(read.argv[0], place) === undefined ? posix.basename(read.argv[0]) : read.argv[0];
  const argv = [program, ...read.argv.slice(1).map((arg) => (cwd !== undefined ? relativeArg(arg, posix.join(place.nxRoot, cwd)) : arg))];
  const reads = new Set<string>();
  const listings = new Set<string>();
  // buildScriptReads takes every call of a process as its own, less the recorder's noise: what a program's reads are.
  for (const process of started) {
    for (const entry of buildScriptReads(process).readers.flatMap((reader) => reader.reads)) {
      if (entry.kind !== 'file' && entry.kind !== 'dir') continue;
      const path = workspaceRelative(entry.path, place);
      if (path !== undefined) (entry.kind === 'file' ? reads : listings).add(path);
    }
  }
  return { argv, ...(cwd !== undefined ? { cwd } : {}), usesBuildOutput, reads: [...reads].sort(), listings: [...listings].sort() };
}

/** An argument naming a path inside `dir` (absolute) is written relative to it, so the command is the same in every checkout. */
function relativeArg(arg: string, dir: string): string {
  if (arg !== dir && !arg.startsWith(`${dir}/`)) return arg;
  return posix.relative(dir, arg) || '.';
}

function normalize(path: string): string {
  return posix.normalize(path).replace(/(.)\/+$/, '$1');
}

/**
 * A path's place in the workspace ('' for the root), or undefined outside it,
 * in cargo's target folder or in cargo's home. Paths are normalized by their
 * text (`a/../b` is `b`), as recorded names are the names used.
 */
function workspaceRelative(path: string, place: Pick<RecordingPlace, 'nxRoot' | 'targetDir' | 'cargoHome'>): string | undefined {
  const normalized = normalize(path);
  for (const excluded of [place.targetDir, place.cargoHome]) if (normalized === excluded || normalized.startsWith(`${excluded}/`)) return undefined;
  const rel = posix.relative(place.nxRoot, normalized);
  return rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel) ? undefined : rel;
}
