#!/usr/bin/env node
/**
 * nx-cargo-audit <project> [--target build] [--configuration c] [--json]
 *
 * Builds a crate's task with cargo and checks that every workspace file and
 * environment variable the build read (rustc's dep-info, build-script
 * rerun-if lines, cargo's manifests and config) is among the inputs Nx
 * hashes for that task. Exit 0: all covered; 1: something is not, each
 * listed with its fix; 2: the audit could not run or is incomplete.
 */
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { dirname, join, posix } from 'node:path';
import { cargoArgs } from '../executors/cargo/cargo-args.js';
import { CARGO_MISSING, isMissingCommand, spawnProcessGroup } from '../executors/cargo/cargo-process.js';
import type { CargoExecutorOptions } from '../executors/cargo/schema.js';
import type { CargoProjectMetadata } from '../graph/project-metadata.js';
import { crateInputsFile, inputsNodeName } from '../graph/workspace-inputs.js';
import { findNxRoot } from '../cli/nx-root.js';
import { auditReport, formatReport, type AuditReport, type Coverage, type Read } from './audit-report.js';
import { traceBuild, type TraceFileSystem } from './cargo-reads.js';
import { isFileDeclared, resolveTaskInputs, type InputModel, type NxInput, type ProjectInputs } from './input-coverage.js';

const USAGE = 'usage: nx-cargo-audit <project> [--target <build|check|test|clippy>] [--configuration <name>] [--json]';

/** Commands whose compilations leave dep-info behind. */
const AUDITED_COMMANDS: Record<string, CargoExecutorOptions['command'] | undefined> = { build: 'build', check: 'check', test: 'test', clippy: 'clippy' };

class AuditError extends Error {}

interface Args {
  project: string;
  target: string;
  configuration?: string;
  json: boolean;
}

const OPTIONS = {
  target: { type: 'string', short: 't' },
  configuration: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Command-line arguments, read by Node's own parser. */
function readArgs(argv: string[]): Args {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new AuditError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new AuditError(positionals.length === 0 ? USAGE : `one project at a time\n${USAGE}`);
  return { project: positionals[0], target: values.target ?? 'build', configuration: values.configuration, json: values.json ?? false };
}

interface CommandResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  code?: string;
}

async function run(command: string, args: string[], cwd: string): Promise<CommandResult> {
  const { child } = await spawnProcessGroup(command, args, { cwd, stdout: 'pipe', stderr: 'pipe' });
  const result = await child;
  return { exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), code: (result as { code?: string }).code };
}

/** The Nx workspace root, or a usage error naming the fix. */
function nxRootOrFail(): string {
  const root = findNxRoot();
  if (root === undefined) throw new AuditError('no nx.json here or above: run nx-cargo-audit inside an Nx workspace');
  return root;
}

class Nx {
  private readonly bin: string;

  constructor(private readonly root: string) {
    let manifest: string;
    try {
      manifest = require.resolve('nx/package.json', { paths: [root] });
    } catch {
      throw new AuditError(`nx is not installed in ${root} (npm install -D nx)`);
    }
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin.nx;
    this.bin = join(dirname(manifest), bin);
  }

  async json<T>(args: string[]): Promise<T> {
    const result = await run(process.execPath, [this.bin, ...args], this.root);
    if (result.exitCode !== 0) throw new AuditError(`nx ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`);
    return parseJsonOutput<T>(result.stdout, `nx ${args.join(' ')}`);
  }

  /** The project graph, nodes with their configuration, written to a temporary file. */
  async graph(): Promise<{ nodes: Record<string, { data: ProjectInputs }>; dependencies: Record<string, Array<{ target: string }>> }> {
    const dir = mkdtempSync(join(tmpdir(), 'nx-cargo-audit-'));
    try {
      const file = join(dir, 'graph.json');
      const result = await run(process.execPath, [this.bin, 'graph', `--file=${file}`], this.root);
      if (result.exitCode !== 0) throw new AuditError(`nx graph failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`);
      return (JSON.parse(readFileSync(file, 'utf8')) as { graph: Awaited<ReturnType<Nx['graph']>> }).graph;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** A command's JSON on stdout, tolerating lines printed before it. */
function parseJsonOutput<T>(stdout: string, what: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    const start = stdout.search(/^[{[]/m);
    if (start >= 0) {
      try {
        return JSON.parse(stdout.slice(start)) as T;
      } catch {
        // Reported below.
      }
    }
    throw new AuditError(`${what} did not print JSON:\n${stdout}`);
  }
}

interface ProjectJson {
  root: string;
  namedInputs?: Record<string, NxInput[]>;
  metadata?: { cargo?: CargoProjectMetadata };
  targets?: Record<string, { executor?: string; cache?: boolean; inputs?: NxInput[]; options?: Record<string, unknown>; configurations?: Record<string, Record<string, unknown>>; defaultConfiguration?: string }>;
}

/** What `nx show target inputs <p>:<t> --json` prints on Nx 24: the files and variables Nx hashes for the task. */
interface ResolvedInputs {
  files?: string[];
  environment?: string[];
  runtime?: string[];
}

const nodeFs: TraceFileSystem = {
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

async function audit(args: Args): Promise<{ report: AuditReport; problems: string[] }> {
  const nxRoot = nxRootOrFail();
  const nx = new Nx(nxRoot);
  // Nx's own account of the task's inputs, resolved to files (Nx 24), asked for alongside the project.
  const resolvedRun = nx.json<ResolvedInputs>(['show', 'target', 'inputs', `${args.project}:${args.target}`, '--json']).catch(() => undefined);
  const project = await nx.json<ProjectJson>(['show', 'project', args.project, '--json']);
  const cargo = project.metadata?.cargo;
  if (!cargo) throw new AuditError(`${args.project} is not a Cargo crate (no metadata.cargo in nx show project ${args.project})`);
  const target = project.targets?.[args.target];
  if (!target) throw new AuditError(`${args.project} has no target ${args.target}; it has ${Object.keys(project.targets ?? {}).join(', ')}`);
  if (target.cache !== true) throw new AuditError(`${args.project}:${args.target} is not cached, so no hash decides whether it runs: nothing to audit`);
  const options = targetOptions(target, args.configuration, cargo);
  const command = AUDITED_COMMANDS[options.command];
  if (!command) throw new AuditError(`${args.project}:${args.target} runs \`cargo ${options.command}\`, which compiles nothing to audit; audit build, check, test or clippy`);

  const resolved = await resolvedRun;
  const resolvedFiles = resolved?.files ? new Set(resolved.files) : undefined;

  const cargoCwd = join(nxRoot, options.cwd || '.');
  const metadataRun = await run('cargo', ['metadata', '--format-version', '1', '--no-deps'], cargoCwd);
  if (isMissingCommand(metadataRun)) throw new AuditError(CARGO_MISSING);
  if (metadataRun.exitCode !== 0) throw new AuditError(`cargo metadata failed in ${cargoCwd}:\n${metadataRun.stderr}`);
  const metadata = parseJsonOutput<{ workspace_root: string; target_directory: string }>(metadataRun.stdout, 'cargo metadata');

  const argv = cargoArgs({ ...options, command });
  argv.splice(1, 0, '--message-format=json', ...(command === 'test' ? ['--no-run'] : []));
  const build = await run('cargo', argv, cargoCwd);
  const messages = build.stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return [];
    }
  });
  if (build.exitCode !== 0) {
    const errors = messages
      .filter((message): message is { reason: string; message: { level: string; rendered: string } } => (message as { reason?: string }).reason === 'compiler-message')
      .filter((message) => message.message.level === 'error')
      .map((message) => message.message.rendered);
    throw new AuditError(`\`cargo ${argv.join(' ')}\` failed in ${cargoCwd}; the audit needs the build to succeed:\n${[...errors, build.stderr].join('\n').trim()}`);
  }

  const trace = traceBuild(messages, { nxRoot, cargoRoot: metadata.workspace_root, targetDir: metadata.target_directory, environment: process.env }, nodeFs);

  // The patterns behind the task's inputs: needed without a resolved list, and to tell an undeclared file from an ignored one.
  let patterns: { model: InputModel; inputs: ReturnType<typeof resolveTaskInputs> } | undefined;
  const loadPatterns = async () => {
    if (patterns) return patterns;
    const graph = await nx.graph();
    const model: InputModel = {
      projects: Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [name, node.data])),
      dependencies: Object.fromEntries(Object.entries(graph.dependencies).map(([name, edges]) => [name, edges.map((edge) => edge.target)])),
      nxNamedInputs: await nxJsonNamedInputs(nxRoot),
    };
    patterns = { model, inputs: resolveTaskInputs(model, args.project, args.target) };
    return patterns;
  };
  const needsPatterns = !resolvedFiles || trace.reads.some((read) => read.kind === 'file' && !resolvedFiles.has(read.subject));
  const known = needsPatterns ? await loadPatterns() : undefined;
  const environment = new Set(resolved?.environment ?? known?.inputs.env ?? []);
  const fileCovered = (file: string): Coverage => {
    if (resolvedFiles?.has(file)) return 'covered';
    const declared = known ? isFileDeclared(known.model, known.inputs, file) : false;
    if (!resolvedFiles) return declared ? 'covered' : 'undeclared';
    return declared ? 'not-hashed' : 'undeclared';
  };
  // The workspace Cargo.toml and Cargo.lock are not inputs as files: the task hashes the parts of
  // them that reach the crate, as nx-cargo's external node for the crate (graph/workspace-inputs.ts).
  const crateNode = inputsNodeName(crateInputsFile(posix.dirname(cargo.manifestFile) === '.' ? '' : posix.dirname(cargo.manifestFile)));
  const hashesWorkspaceParts = JSON.stringify([project.namedInputs ?? {}, target.inputs ?? []]).includes(JSON.stringify(crateNode));
  const isWorkspaceFile = (read: Read) => read.readerPackage === '' && (read.via === 'workspace manifest' || read.via === 'lock file');
  const coverage = (read: Read): Coverage => {
    if (read.kind === 'file' && hashesWorkspaceParts && isWorkspaceFile(read)) return 'covered';
    if (read.kind === 'file') return fileCovered(read.subject);
    if (environment.has(read.subject)) return 'covered';
    // A value cargo takes from a config file's [env] table changes with that file.
    if (read.setBy !== undefined && fileCovered(read.setBy) === 'covered') return 'covered';
    return 'undeclared';
  };
  const report = auditReport({ project: args.project, target: args.target, package: cargo.package, manifestFile: cargo.manifestFile }, trace.reads, coverage);
  return { report, problems: trace.problems };
}

/** The options the task runs with: the target's, then its configuration's. */
function targetOptions(target: NonNullable<ProjectJson['targets']>[string], configuration: string | undefined, cargo: CargoProjectMetadata): CargoExecutorOptions {
  const chosen = configuration ?? target.defaultConfiguration;
  if (configuration && !target.configurations?.[configuration]) throw new AuditError(`the target has no configuration ${configuration}`);
  const merged = { ...target.options, ...(chosen ? target.configurations?.[chosen] : {}) } as Partial<CargoExecutorOptions> & { release?: boolean };
  if (target.executor === 'nx-cargo:napi') {
    // `napi build` runs `cargo build` for the crate underneath.
    return { command: 'build', package: cargo.package, cwd: cargo.workspaceDir || '.', release: merged.release };
  }
  if (!target.executor?.startsWith('nx-cargo:') || !merged.command) throw new AuditError(`the target runs ${target.executor ?? 'a command'}, not cargo through nx-cargo`);
  return { ...merged, package: merged.package ?? cargo.package, cwd: merged.cwd ?? (cargo.workspaceDir || '.') } as CargoExecutorOptions;
}

/** nx.json's namedInputs (nx.json may hold comments, which Nx's own parser accepts). */
async function nxJsonNamedInputs(nxRoot: string): Promise<Record<string, NxInput[]> | undefined> {
  const text = readFileSync(join(nxRoot, 'nx.json'), 'utf8');
  try {
    return (JSON.parse(text) as { namedInputs?: Record<string, NxInput[]> }).namedInputs;
  } catch {
    const { parseJson } = await import('../nx-devkit.js');
    return parseJson<{ namedInputs?: Record<string, NxInput[]> }>(text).namedInputs;
  }
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = readArgs(process.argv.slice(2));
    const { report, problems } = await audit(args);
    if (args.json) process.stdout.write(`${JSON.stringify({ ...report, problems }, null, 2)}\n`);
    else {
      process.stdout.write(formatReport(report));
      for (const problem of problems) process.stderr.write(`nx-cargo-audit: incomplete: ${problem}\n`);
    }
    if (report.uncovered.length > 0) return 1;
    return problems.length > 0 ? 2 : 0;
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    process.stderr.write(`nx-cargo-audit: ${error.message}\n`);
    return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`nx-cargo-audit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
