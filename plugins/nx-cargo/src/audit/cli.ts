/**
 * nx-cargo-audit <project> [--target build] [--configuration c] [--json] [--fix]
 *
 * Builds a crate's task with cargo, in a temporary target folder and
 * without a RUSTC_WRAPPER so that every unit compiles and every build script
 * runs, with the read recorder preloaded; then checks that every workspace
 * file, folder listing, environment variable and program the build read
 * (rustc's dep-info, build-script rerun-if lines, cargo's manifests and
 * config, and what proc macros, build scripts and the programs they ran
 * were recorded reading) is among the inputs Nx hashes for that task.
 * `--fix` writes the missing declarations into the crate's
 * `[package.metadata.nx] inputs`. Exit 0: all covered (or fixed); 1:
 * something is not, each listed with its fix; 2: the audit could not run or
 * is incomplete.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { parseCargoMessages } from '@nx-cargo/cargo-workspace';
import { cargoArgs } from '../executors/cargo/cargo-args.js';
import { isMissingCommand, spawnProcessGroup } from '../process-group.js';
import { CARGO_MISSING } from '../messages.js';
import type { CargoExecutorOptions } from '../executors/cargo/schema.js';
import type { CargoProjectMetadata } from '../graph/project-metadata.js';
import { CliError } from '../cli/cli-error.js';
import { nxCommand } from '../cli/nx-command.js';
import { readNxJsonAt } from '../cli/nx-json.js';
import { requireNxRoot } from '../cli/nx-root.js';
import { addPackageInputs, PackageInputsError } from '../generators/shared/package-inputs.js';
import { formatReport, tomlInput, type AuditReport } from './audit-report.js';
import { checkBuild, taskBasis } from './build-check.js';
import { isRecordingOff, startBuildRecording } from './build-recording.js';
import { cargoHome, nodeFs } from './build-io.js';
import type { InputModel, NxInput, ProjectInputs } from './input-coverage.js';

const USAGE = 'usage: nx-cargo-audit <project> [--target <build|check|test|clippy>] [--configuration <name>] [--json] [--fix]';

/** Commands whose compilations leave dep-info behind. */
const AUDITED_COMMANDS: Record<string, CargoExecutorOptions['command'] | undefined> = { build: 'build', check: 'check', test: 'test', clippy: 'clippy' };

interface Args {
  help: boolean;
  project: string;
  target: string;
  configuration?: string;
  json: boolean;
  fix: boolean;
}

const OPTIONS = {
  target: { type: 'string', short: 't' },
  configuration: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  fix: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Command-line arguments, read by Node's own parser. */
function readArgs(argv: string[]): Args {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, project: '', target: 'build', json: false, fix: false };
  if (positionals.length !== 1) throw new CliError(positionals.length === 0 ? USAGE : `one project at a time\n${USAGE}`);
  return { help: false, project: positionals[0], target: values.target ?? 'build', configuration: values.configuration, json: values.json ?? false, fix: values.fix ?? false };
}

interface CommandResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  code?: string;
}

async function run(command: string, args: string[], cwd: string, env?: Record<string, string>): Promise<CommandResult> {
  const { child } = await spawnProcessGroup(command, args, { cwd, stdout: 'pipe', stderr: 'pipe', env });
  const result = await child;
  return { exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), code: (result as { code?: string }).code };
}

class Nx {
  private readonly bin: string;

  constructor(private readonly root: string) {
    this.bin = nxCommand(root)[1];
  }

  async json<T>(args: string[]): Promise<T> {
    const result = await run(process.execPath, [this.bin, ...args], this.root);
    if (result.exitCode !== 0) throw new CliError(`nx ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`);
    return parseJsonOutput<T>(result.stdout, `nx ${args.join(' ')}`);
  }

  /** The project graph, nodes with their configuration, written to a temporary file. */
  async graph(): Promise<{ nodes: Record<string, { data: ProjectInputs }>; dependencies: Record<string, Array<{ target: string }>> }> {
    const dir = mkdtempSync(join(tmpdir(), 'nx-cargo-audit-'));
    try {
      const file = join(dir, 'graph.json');
      const result = await run(process.execPath, [this.bin, 'graph', `--file=${file}`], this.root);
      if (result.exitCode !== 0) throw new CliError(`nx graph failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`);
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
    throw new CliError(`${what} did not print JSON:\n${stdout}`);
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

async function audit(args: Args, nxRoot: string, env: NodeJS.ProcessEnv): Promise<{ report: AuditReport; problems: string[]; recording: string }> {
  const nx = new Nx(nxRoot);
  // Nx's own account of the task's inputs, resolved to files (Nx 24), and the graph behind them, asked for alongside the project.
  const resolvedRun = nx.json<ResolvedInputs>(['show', 'target', 'inputs', `${args.project}:${args.target}`, '--json']).catch(() => undefined);
  const graphRun = nx.graph();
  graphRun.catch(() => undefined);
  const project = await nx.json<ProjectJson>(['show', 'project', args.project, '--json']);
  const cargo = project.metadata?.cargo;
  if (!cargo) throw new CliError(`${args.project} is not a Cargo crate (no metadata.cargo in nx show project ${args.project})`);
  const target = project.targets?.[args.target];
  if (!target) throw new CliError(`${args.project} has no target ${args.target}; it has ${Object.keys(project.targets ?? {}).join(', ')}`);
  if (target.cache !== true) throw new CliError(`${args.project}:${args.target} is not cached, so no hash decides whether it runs: nothing to audit`);
  const options = targetOptions(target, args.configuration, cargo);
  const command = AUDITED_COMMANDS[options.command];
  if (!command) throw new CliError(`${args.project}:${args.target} runs \`cargo ${options.command}\`, which compiles nothing to audit; audit build, check, test or clippy`);

  const cargoCwd = join(nxRoot, options.cwd || '.');
  const metadataRun = await run('cargo', ['metadata', '--format-version', '1', '--no-deps'], cargoCwd);
  if (isMissingCommand(metadataRun)) throw new CliError(CARGO_MISSING);
  if (metadataRun.exitCode !== 0) throw new CliError(`cargo metadata failed in ${cargoCwd}:\n${metadataRun.stderr}`);
  const metadata = parseJsonOutput<{ workspace_root: string }>(metadataRun.stdout, 'cargo metadata');

  const argv = cargoArgs({ ...options, command });
  argv.splice(1, 0, '--message-format=json', ...(command === 'test' ? ['--no-run'] : []));
  // A target folder of its own and no wrapper: every unit compiles and every build script runs, so each read is seen.
  const targetDir = mkdtempSync(join(tmpdir(), 'nx-cargo-audit-target-'));
  const recording = await startBuildRecording(env);
  try {
    const env: Record<string, string> = { CARGO_TARGET_DIR: targetDir, RUSTC_WRAPPER: '', ...(isRecordingOff(recording) ? {} : recording.env) };
    const build = await run('cargo', argv, cargoCwd, env);
    const messages = parseCargoMessages(build.stdout);
    if (build.exitCode !== 0) {
      const errors = messages.flatMap((message) => (message.reason === 'compiler-message' && message.level === 'error' ? [message.rendered] : []));
      throw new CliError(`\`cargo ${argv.join(' ')}\` failed in ${cargoCwd}; the audit needs the build to succeed:\n${[...errors, build.stderr].join('\n').trim()}`);
    }
    const processes = isRecordingOff(recording) ? [] : await recording.processes();
    const resolved = await resolvedRun;
    const graph = await graphRun;
    const model: InputModel = {
      projects: Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [name, node.data])),
      dependencies: Object.fromEntries(Object.entries(graph.dependencies).map(([name, edges]) => [name, edges.map((edge) => edge.target)])),
      nxNamedInputs: (await readNxJsonAt(nxRoot)).namedInputs as Record<string, NxInput[]> | undefined,
    };
    const basis = taskBasis(model, { project: args.project, target: args.target, manifestFile: cargo.manifestFile }, { ...nodeFs, nxRoot }, {
      ...(resolved?.files ? { hashedFiles: new Set(resolved.files) } : {}),
      ...(resolved?.environment ? { environment: new Set(resolved.environment) } : {}),
    });
    const place = { nxRoot, cargoRoot: metadata.workspace_root, targetDir, environment: env, cargoHome: cargoHome(env) };
    const subject = { project: args.project, target: args.target, package: cargo.package, manifestFile: cargo.manifestFile };
    const { report, problems } = checkBuild(subject, { messages, processes, place }, basis, nodeFs);
    return { report, problems, recording: isRecordingOff(recording) ? recording.off : 'on' };
  } finally {
    rmSync(targetDir, { recursive: true, force: true });
    if (!isRecordingOff(recording)) await recording.dispose();
  }
}

/**
 * Writes the findings' declarations into the audited crate's manifest; the
 * findings without one (an ignored file, a program fed the build's output)
 * stay. Returns what was added.
 */
function applyFixes(nxRoot: string, report: AuditReport): { file: string; added: string[] } | undefined {
  const fixes = report.uncovered.flatMap((finding) => (finding.fix ? [finding.fix] : []));
  if (fixes.length === 0) return undefined;
  const file = fixes[0].manifestFile;
  const full = join(nxRoot, file);
  const text = readFileSync(full, 'utf8');
  const entries = fixes.map((fix) => tomlInput(fix.input));
  let updated: string;
  try {
    updated = addPackageInputs(file, text, entries);
  } catch (error) {
    if (error instanceof PackageInputsError) throw new CliError(error.message);
    throw error;
  }
  writeFileSync(full, updated);
  return { file, added: entries };
}

/** The options the task runs with: the target's, then its configuration's. */
function targetOptions(target: NonNullable<ProjectJson['targets']>[string], configuration: string | undefined, cargo: CargoProjectMetadata): CargoExecutorOptions {
  const chosen = configuration ?? target.defaultConfiguration;
  if (configuration && !target.configurations?.[configuration]) throw new CliError(`the target has no configuration ${configuration}`);
  const merged = { ...target.options, ...(chosen ? target.configurations?.[chosen] : {}) } as Partial<CargoExecutorOptions> & { release?: boolean };
  if (target.executor === 'nx-cargo:napi') {
    // `napi build` runs `cargo build` for the crate underneath.
    return { command: 'build', package: cargo.package, cwd: cargo.workspaceDir || '.', release: merged.release };
  }
  if (!target.executor?.startsWith('nx-cargo:') || !merged.command) throw new CliError(`the target runs ${target.executor ?? 'a command'}, not cargo through nx-cargo`);
  return { ...merged, package: merged.package ?? cargo.package, cwd: merged.cwd ?? (cargo.workspaceDir || '.') } as CargoExecutorOptions;
}

/** The CLI without process globals: `argv` without node and the script, the environment, the folder it runs in. */
export async function runAudit(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const args = readArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const nxRoot = requireNxRoot(cwd, 'nx-cargo-audit');
  const { report, problems, recording } = await audit(args, nxRoot, env);
  const fixed = args.fix ? applyFixes(nxRoot, report) : undefined;
  if (args.json) process.stdout.write(`${JSON.stringify({ ...report, problems, recording, ...(fixed ? { fixed } : {}) }, null, 2)}\n`);
  else {
    process.stdout.write(formatReport(report));
    if (fixed) process.stdout.write(`nx-cargo-audit: added to [package.metadata.nx] inputs in ${fixed.file}: ${fixed.added.join(', ')}\n`);
    if (recording !== 'on') process.stderr.write(`nx-cargo-audit: note: ${recording}; what proc macros and build scripts read beyond dep-info and rerun-if lines was not checked\n`);
    for (const problem of problems) process.stderr.write(`nx-cargo-audit: incomplete: ${problem}\n`);
  }
  const left = fixed ? report.uncovered.filter((finding) => !finding.fix) : report.uncovered;
  if (left.length > 0) return 1;
  return problems.length > 0 ? 2 : 0;
}
