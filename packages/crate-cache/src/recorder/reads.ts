/**
 * From the events of one process to the reads that matter: in a rustc
 * compile, what each proc macro read; in a build-script run, what the script
 * read. Noise (the rule and its evidence are in `recorder/README.md`) is
 * dropped, and returned apart so a caller can show why.
 */
import { basename, dirname } from 'node:path';
import { cleanPath, type ExecEvent, type PathResult, type RecordedEvent, type RecordedProcess } from './log.js';

export type ProcessRole = 'rustc' | 'build-script' | 'other';

/** rustc compiling a crate, a build script cargo runs, or anything else (cargo, the linker, a program a macro ran). */
export function processRole(process: RecordedProcess): ProcessRole {
  const exe = basename(process.exe);
  if (exe === 'rustc' && process.argv.includes('--crate-name')) return 'rustc';
  if (exe.startsWith('build-script-') && process.context.OUT_DIR !== undefined) return 'build-script';
  return 'other';
}

export type Read =
  /** `setByCargo`: cargo sets it for the unit, so its value follows from the manifest, profile, target or config. */
  | { kind: 'env'; name: string; found: boolean; setByCargo: boolean }
  /** The file's content. */
  | { kind: 'file'; path: string; result: PathResult }
  /** The path's existence or metadata only (stat, access, an O_PATH or directory open). */
  | { kind: 'probe'; path: string; result: PathResult }
  /** The directory's listing. */
  | { kind: 'dir'; path: string; result: PathResult }
  /** A program run, as passed to exec/posix_spawn; `truncated` when the recorder cut argv. */
  | { kind: 'program'; program: string; argv: string[]; truncated: boolean };

export type Reader =
  /** Crate name from rustc's `--extern name=<object>`, else from `lib<crate>-<hash>.so`. */
  | { kind: 'proc-macro'; crate: string; object: string }
  /** An object loaded after startup that is not a proc macro of this compile (`?`: address not placed). */
  | { kind: 'object'; object: string }
  | { kind: 'build-script'; package?: string; exe: string };

export interface ReaderReads {
  reader: Reader;
  /** In first-seen order, one per variable, per path and kind, per program and argv. */
  reads: Read[];
  /** Files opened for writing: side effects no cache entry restores. */
  writes: string[];
}

export type NoiseRule =
  /** std's own knobs (thread stack size, panic backtraces): read by any Rust program that spawns a thread or panics. */
  | 'runtime-env'
  /** Parallelism only: cargo's jobserver and the job count. */
  | 'jobserver-env'
  /** Set only by rust-lang/rust's own bootstrap; build scripts (proc-macro2, thiserror) probe it. */
  | 'bootstrap-env'
  /** /dev, /proc, /sys: std's Command opens /dev/null, std reads cgroup limits. */
  | 'system-path'
  /** The rustc toolchain's own files (its sysroot). */
  | 'toolchain-path'
  /** The reader's own object or executable. */
  | 'own-object'
  /** A build script's own OUT_DIR: what it writes, and probes it cleans up. */
  | 'own-output'
  /** A build script running the compiler cargo gave it (RUSTC, maybe through RUSTC_WRAPPER): a version or feature probe. */
  | 'toolchain-program';

export interface IgnoredEvent {
  reader: Reader;
  event: RecordedEvent;
  rule: NoiseRule;
}

export interface Classified {
  readers: ReaderReads[];
  ignored: IgnoredEvent[];
}

const RUNTIME_ENV = new Set(['RUST_MIN_STACK', 'RUST_BACKTRACE', 'RUST_LIB_BACKTRACE']);
const JOBSERVER_ENV = new Set(['CARGO_MAKEFLAGS', 'MAKEFLAGS', 'MFLAGS', 'NUM_JOBS']);
const BOOTSTRAP_ENV = new Set(['RUSTC_STAGE']);

/** What cargo sets for a compile or a build-script run (The Cargo Book, "Environment variables"). */
const CARGO_ENV = new Set([
  'CARGO',
  'CARGO_MANIFEST_DIR',
  'CARGO_MANIFEST_PATH',
  'CARGO_MANIFEST_LINKS',
  'CARGO_CRATE_NAME',
  'CARGO_BIN_NAME',
  'CARGO_PRIMARY_PACKAGE',
  'CARGO_TARGET_TMPDIR',
  'CARGO_RUSTC_CURRENT_DIR',
  'CARGO_ENCODED_RUSTFLAGS',
  'OUT_DIR',
  'TARGET',
  'HOST',
  'PROFILE',
  'OPT_LEVEL',
  'DEBUG',
  'RUSTC',
  'RUSTDOC',
  'RUSTC_LINKER',
  'RUSTC_WRAPPER',
  'RUSTC_WORKSPACE_WRAPPER',
]);
const CARGO_ENV_PREFIXES = ['CARGO_PKG_', 'CARGO_FEATURE_', 'CARGO_CFG_', 'CARGO_BIN_EXE_', 'DEP_'];

export function setByCargo(name: string): boolean {
  return CARGO_ENV.has(name) || CARGO_ENV_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function envNoise(name: string): NoiseRule | undefined {
  if (RUNTIME_ENV.has(name)) return 'runtime-env';
  if (JOBSERVER_ENV.has(name)) return 'jobserver-env';
  if (BOOTSTRAP_ENV.has(name)) return 'bootstrap-env';
  return undefined;
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

const SYSTEM_DIRS = ['/dev', '/proc', '/sys'];

interface NoiseContext {
  /** The reader's own object or executable. */
  own: string;
  toolchain?: string;
  outDir?: string;
  /** Programs that are the compiler: RUSTC, and the wrappers cargo runs it through. */
  compiler?: { rustc: string; wrappers: string[] };
}

function pathNoise(path: string, context: NoiseContext): NoiseRule | undefined {
  if (SYSTEM_DIRS.some((dir) => isUnder(path, dir))) return 'system-path';
  if (path === context.own) return 'own-object';
  if (context.toolchain && isUnder(path, context.toolchain)) return 'toolchain-path';
  if (context.outDir && isUnder(path, context.outDir)) return 'own-output';
  return undefined;
}

function execNoise(event: ExecEvent, context: NoiseContext): NoiseRule | undefined {
  const compiler = context.compiler;
  if (!compiler) return undefined;
  if (event.program === compiler.rustc) return 'toolchain-program';
  if (compiler.wrappers.includes(event.program) && event.argv[1] === compiler.rustc) return 'toolchain-program';
  return undefined;
}

function noiseOf(event: RecordedEvent, context: NoiseContext): NoiseRule | undefined {
  if (event.kind === 'env') return envNoise(event.name);
  if (event.kind === 'exec') return execNoise(event, context);
  return pathNoise(event.path, context);
}

/** Collects one reader's reads: deduplicated, probes dropped where the same path's content or listing was read with the same result. */
class ReadSet {
  private readonly reads = new Map<string, Read>();
  private readonly writes = new Set<string>();

  add(event: RecordedEvent): void {
    switch (event.kind) {
      case 'env':
        this.put(`env:${event.name}`, { kind: 'env', name: event.name, found: event.result === 'found', setByCargo: setByCargo(event.name) });
        return;
      case 'exec':
        this.put(`program:${JSON.stringify([event.program, event.argv])}`, {
          kind: 'program',
          program: event.program,
          argv: event.argv,
          truncated: event.truncated,
        });
        return;
      case 'readdir':
        this.put(`dir:${event.path}`, { kind: 'dir', path: event.path, result: event.result });
        return;
      case 'stat':
        this.put(`probe:${event.path}`, { kind: 'probe', path: event.path, result: event.result });
        return;
      case 'open': {
        const { access } = event;
        if (access.write) this.writes.add(event.path);
        if (access.pathOnly || access.directory) {
          this.put(`probe:${event.path}`, { kind: 'probe', path: event.path, result: event.result });
        } else if (access.read) {
          this.put(`file:${event.path}`, { kind: 'file', path: event.path, result: event.result });
        }
      }
    }
  }

  private put(key: string, read: Read): void {
    if (!this.reads.has(key)) this.reads.set(key, read);
  }

  result(reader: Reader): ReaderReads {
    const reads = [...this.reads.values()].filter((read) => {
      if (read.kind !== 'probe') return true;
      const covering = [this.reads.get(`file:${read.path}`), this.reads.get(`dir:${read.path}`)];
      return !covering.some((other) => other && 'result' in other && other.result === read.result);
    });
    return { reader, reads, writes: [...this.writes] };
  }
}

function externObjects(argv: string[]): Map<string, string> {
  const objects = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === '--extern' ? argv[i + 1] : argv[i].startsWith('--extern=') ? argv[i].slice(9) : undefined;
    const eq = value?.indexOf('=') ?? -1;
    if (value && eq > 0) objects.set(cleanPath(value.slice(eq + 1)), value.slice(0, eq));
  }
  return objects;
}

const OBJECT_NAME = /^lib(.+)-[0-9a-f]+\.so$/;

function readerOfObject(object: string, externs: Map<string, string>): Reader {
  const crate = externs.get(cleanPath(object)) ?? OBJECT_NAME.exec(basename(object))?.[1];
  return crate !== undefined && object !== '?' ? { kind: 'proc-macro', crate, object } : { kind: 'object', object };
}

/** The sysroot: `--sysroot`, else the toolchain root of rustc's executable (`<root>/bin/rustc`). */
function toolchainRoot(process: RecordedProcess): string {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sysroot' && argv[i + 1]) return cleanPath(argv[i + 1]);
    if (argv[i].startsWith('--sysroot=')) return cleanPath(argv[i].slice(10));
  }
  return dirname(dirname(cleanPath(process.exe)));
}

/**
 * What each proc macro (or other object rustc loaded while compiling) read
 * during one rustc compile. rustc's own reads are left out: its files are in
 * dep-info, and its variables are its own knobs (README, "Evidence").
 */
export function compileReads(process: RecordedProcess): Classified {
  const externs = externObjects(process.argv);
  const toolchain = toolchainRoot(process);
  const sets = new Map<string, { reader: Reader; set: ReadSet }>();
  const ignored: IgnoredEvent[] = [];
  for (const event of process.events) {
    if (event.object === undefined) continue;
    let entry = sets.get(event.object);
    if (!entry) {
      entry = { reader: readerOfObject(event.object, externs), set: new ReadSet() };
      sets.set(event.object, entry);
    }
    const rule = noiseOf(event, { own: cleanPath(event.object), toolchain });
    if (rule) ignored.push({ reader: entry.reader, event, rule });
    else entry.set.add(event);
  }
  const readers = [...sets.values()].map(({ reader, set }) => set.result(reader));
  return { readers, ignored };
}

/** What a build script read while cargo ran it: all of the process's own calls. */
export function buildScriptReads(process: RecordedProcess): Classified {
  const { context } = process;
  const reader: Reader = { kind: 'build-script', exe: process.exe, ...(context.CARGO_PKG_NAME ? { package: context.CARGO_PKG_NAME } : {}) };
  const wrappers = [context.RUSTC_WRAPPER, context.RUSTC_WORKSPACE_WRAPPER].filter((w): w is string => !!w);
  const noise: NoiseContext = {
    own: cleanPath(process.exe),
    outDir: context.OUT_DIR && cleanPath(context.OUT_DIR),
    compiler: context.RUSTC ? { rustc: context.RUSTC, wrappers } : undefined,
  };
  const set = new ReadSet();
  const ignored: IgnoredEvent[] = [];
  for (const event of process.events) {
    const rule = noiseOf(event, noise);
    if (rule) ignored.push({ reader, event, rule });
    else set.add(event);
  }
  return { readers: [set.result(reader)], ignored };
}
