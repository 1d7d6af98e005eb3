import { parseCargoMessage } from '@nx-cargo/cargo-workspace';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { dirname, join, resolve } from 'node:path';
import type { CargoProjectMetadata } from '../../graph/project-metadata.js';
import { cargoArgs, runsNextest, targetArgs } from './cargo-args.js';
import { PackageOutcome } from './package-outcome.js';
import { isMissingCommand, spawnProcessGroup } from '../../process-group.js';
import { CARGO_MISSING, outputLine, plural } from '../../messages.js';
import { setUpCrateCache, type CrateCache } from './crate-cache.js';
import { planBatch, type PlannedTask } from './batch-plan.js';
import { featureCompatibleGroups } from './feature-guard.js';
import { hasNextest, NEXTEST_MISSING, prepareNextest } from './nextest.js';
import { taskProfileProblem } from './profile-guard.js';
import { startStrictInputs, strictInputsWanted } from './strict-inputs.js';
import { buildTargetNotice } from './target-notice.js';
import type { CargoExecutorOptions } from './schema.js';
import { NxCargoError } from '../../errors.js';

interface TaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime: number; endTime: number };
}

/**
 * Nx's batch mode for nx-cargo:cargo: tasks that differ only in their
 * package share one cargo process (`-p a -p b ...`, `--keep-going`), so cargo
 * schedules all their crates at once instead of waiting on its lock once per
 * task. A package whose features the batch would change builds alone, so a
 * task's result never depends on which tasks shared its batch. Results are
 * reported per task as soon as known. Tasks with strict inputs build alone:
 * what a shared cargo run reads belongs to no single task.
 */
export default async function* cargoBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, CargoExecutorOptions>,
  _overrides: CargoExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<TaskResult> {
  const all = Object.keys(taskGraph.tasks).map((id) => ({ id, options: inputs[id] }));
  const tasks = [];
  for (const task of all) {
    const problem = taskProfileProblem(taskGraph.tasks[task.id].target, context.projectsConfigurations?.projects, task.options);
    if (problem) yield done(task.id, false, outputLine(problem), Date.now());
    else tasks.push(task);
  }
  for (const step of planBatch(tasks)) {
    if ('alone' in step) {
      yield await runAlone(step.alone, context);
      continue;
    }
    const strict = step.together.filter((task) => strictInputsWanted(task.options, process.env));
    for (const task of strict) yield await runAlone(task, context);
    const shared = step.together.filter((task) => !strict.includes(task));
    if (shared.length === 0) continue;
    for (const group of await groupByFeatures(shared, context)) {
      if (group.length > 1) yield* runTogether(group, context);
      else yield await runAlone(group[0], context);
    }
  }
}

/** Runs one task by itself, capturing its output for Nx (a failing test's output as nextest or cargo printed it); with strict inputs, checks its build (see executor.ts). */
async function runAlone(task: PlannedTask, context: ExecutorContext): Promise<TaskResult> {
  const startTime = Date.now();
  const cwd = join(context.root, task.options.cwd);
  const nextest = runsNextest(task.options);
  if (nextest && !(await hasNextest(process.env))) return done(task.id, false, outputLine(NEXTEST_MISSING), startTime);
  const crateCache = await crateCacheFor(task.options, cwd);
  if (typeof crateCache === 'string') return done(task.id, false, outputLine(crateCache), startTime);
  const target = taskTarget(task, context);
  const strictWanted = strictInputsWanted(task.options, process.env);
  const strict = strictWanted && !nextest ? await startStrictInputs(task.options, context, target) : undefined;
  try {
    const run = nextest ? await prepareNextest(task.options, context.root, { color: true }) : undefined;
    const args = run?.args ?? ['--color', 'always', ...cargoArgs(task.options)];
    if (strict) args.splice(3, 0, ...strict.args);
    const { child } = await spawnProcessGroup('cargo', args, { cwd, stdout: 'pipe', stderr: 'pipe', env: { ...crateCache.env, ...strict?.env } });
    const result = await child;
    const junitProblem = await run?.finish(result.exitCode);
    const stdout = String(result.stdout ?? '');
    // cargo's JSON messages are for the check, not for the task's output.
    const shown = strict ? stdout.split('\n').filter((line) => !line.startsWith('{"reason":')).join('\n') : stdout;
    const output = isMissingCommand(result) ? outputLine(CARGO_MISSING) : `${result.stderr}\n${shown}\n${junitProblem ? `${junitProblem}\n` : ''}`;
    const failure = result.exitCode === 0 ? await strict?.check(stdout) : undefined;
    const success = result.exitCode === 0 && failure === undefined;
    const notices = [
      ...(strictWanted && nextest ? ['strict inputs are not checked under testRunner nextest; check this task with nx-cargo-audit, which builds its tests with cargo'] : []),
      ...(strict?.notice ? [strict.notice] : []),
    ].map((notice) => outputLine(notice));
    return done(task.id, success, `${noticeLine(task)}${notices.join('')}${output}${await cacheLine(crateCache)}${failure ?? ''}${summaryLine(task, success, startTime)}`, startTime);
  } finally {
    await strict?.dispose();
  }
}

/** The project and target of a batched task. */
function taskTarget(task: PlannedTask, context: ExecutorContext): { project: string; target: string } {
  const known = context.taskGraph?.tasks[task.id]?.target;
  if (known) return { project: known.project, target: known.target };
  const [project, target] = task.id.split(':');
  return { project, target };
}

/** The crate cache for one cargo process, or the message saying why the option cannot be honoured. */
async function crateCacheFor(options: CargoExecutorOptions, cwd: string): Promise<CrateCache | string> {
  return setUpCrateCache(options.crateCache, cwd).catch((error: Error) => error.message);
}

/**
 * The crate cache line of a task: its cargo run's units; in a run shared by
 * several tasks, its own package's units, and the run's total on the last
 * task the run reports.
 */
async function cacheLine(crateCache: CrateCache, shared?: { by: number; package: string; last: boolean }): Promise<string> {
  if (!shared) {
    const summary = await crateCache.summary();
    return summary ? `${summary}\n` : '';
  }
  const lines: string[] = [];
  const own = shared.package ? await crateCache.summary({ package: shared.package }) : undefined;
  if (own) lines.push(own.replace('crate cache:', `crate cache (${shared.package}'s own units; cargo run shared by ${shared.by} tasks):`));
  const total = shared.last ? await crateCache.summary() : undefined;
  if (total) lines.push(total.replace('crate cache:', `crate cache (the whole cargo run shared by ${shared.by} tasks):`));
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Builds several packages in one cargo process; each task's output is its
 * package's diagnostics. Tests compile together here, then run per task, so
 * each task's output is its own test binaries'.
 */
async function* runTogether(tasks: PlannedTask[], context: ExecutorContext): AsyncGenerator<TaskResult> {
  const startTime = Date.now();
  const options = tasks[0].options;
  const isTest = options.command === 'test';
  const hostBuilt = buildDependencyDirs(context);
  const byManifest = new Map<string, { task: PlannedTask; outcome: PackageOutcome; reported: boolean; early: boolean }>();
  for (const task of tasks) {
    const cargo = metadataOf(task, context);
    const expected = isTest ? [] : cargo.buildTargets.flatMap((target) => target.kind.map((kind) => `${target.name}:${kind}`));
    // A crate's result is final at its last artifact only when cargo builds it once: not when it is
    // also a build-dependency (a second, host unit), and not for doc, whose check units come first.
    const early = EARLY_COMMANDS.has(options.command) && !hostBuilt.has(dirname(cargo.manifestFile));
    byManifest.set(resolve(context.root, cargo.manifestFile), { task, outcome: new PackageOutcome(expected), reported: false, early });
  }
  // nextest builds its test binaries with `cargo test --no-run`: the same units. The task's args are then nextest's.
  const args = [
    ...cargoArgs(runsNextest(options) ? { ...options, args: undefined } : options, tasks.map((task) => task.options.package)),
    // cargo test spells "keep going" as --no-fail-fast.
    ...(isTest ? ['--no-run', '--no-fail-fast'] : ['--keep-going']),
    '--message-format=json-diagnostic-rendered-ansi',
  ];
  const cwd = join(context.root, options.cwd);
  const crateCache = await crateCacheFor(options, cwd);
  if (typeof crateCache === 'string') {
    for (const task of tasks) yield done(task.id, false, outputLine(crateCache), startTime);
    return;
  }
  const { child } = await spawnProcessGroup('cargo', args, { cwd, stdout: 'pipe', stderr: 'inherit', env: crateCache.env });
  let unreported = tasks.length;
  // Each task's line names its own units; the one reported last also gives the run's total.
  const shared = (task: PlannedTask) => ({ by: tasks.length, package: task.options.package, last: --unreported === 0 });
  for await (const line of child.iterable({ from: 'stdout' })) {
    const message = parseCargoMessage(String(line));
    if (message?.reason !== 'compiler-artifact' && message?.reason !== 'compiler-message') continue;
    const entry = byManifest.get(message.manifestPath);
    if (!entry) continue;
    entry.outcome.record(message);
    if (entry.early && !entry.reported && entry.outcome.complete) {
      entry.reported = true;
      yield await report(entry.task, entry.outcome, true, startTime, crateCache, shared(entry.task));
    }
  }
  const result = await child;
  if (isMissingCommand(result)) {
    for (const { task } of byManifest.values()) yield done(task.id, false, outputLine(CARGO_MISSING), startTime);
    return;
  }
  const failed = [...byManifest.values()].filter((entry) => entry.outcome.errors > 0).map((entry) => entry.task.options.package);
  // Tests compiled together run per task; the shared compile's line goes with the last of them.
  const compileLine = isTest ? await cacheLine(crateCache, { by: tasks.length, package: '', last: true }) : '';
  for (const entry of [...byManifest.values()].filter((candidate) => !candidate.reported)) {
    if (isTest) {
      const run = await runAlone(entry.task, context);
      yield --unreported === 0 ? { ...run, result: { ...run.result, terminalOutput: `${compileLine}${run.result.terminalOutput}` } } : run;
      continue;
    }
    // Once cargo has ended, a crate with all its targets built and no error succeeded, whatever else failed.
    const success = entry.outcome.complete || (result.exitCode === 0 && entry.outcome.errors === 0);
    yield await report(entry.task, entry.outcome, success, startTime, crateCache, shared(entry.task), failed);
  }
}

/** Groups of tasks that can share a cargo process without changing any package's features (see featureCompatibleGroups). */
async function groupByFeatures(tasks: PlannedTask[], context: ExecutorContext): Promise<PlannedTask[][]> {
  if (process.env.NX_CARGO_UNSAFE_SHARED_FEATURES === 'true') return [tasks];
  const options = tasks[0].options;
  const edges = options.command === 'test' ? 'features,normal,build,dev' : 'features,normal,build';
  const args = ['tree', '-e', edges, '--prefix', 'depth', '-f', '{p}', ...tasks.flatMap((task) => ['-p', task.options.package])];
  args.push(...targetArgs(options));
  const { child } = await spawnProcessGroup('cargo', args, { cwd: join(context.root, options.cwd), stdout: 'pipe', stderr: 'pipe' });
  const result = await child;
  // Without cargo's own feature graph nothing proves sharing is safe.
  if (result.exitCode !== 0) return tasks.map((task) => [task]);
  const byPackage = new Map(tasks.map((task) => [task.options.package, task]));
  return featureCompatibleGroups(String(result.stdout), [...byPackage.keys()]).map((group) => group.map((name) => byPackage.get(name) as PlannedTask));
}

/** Commands whose units for a package are its lib and bins, built once unless it is also a build-dependency. */
const EARLY_COMMANDS = new Set<CargoExecutorOptions['command']>(['build', 'check', 'clippy']);

/** Folders of crates that some crate in the graph uses as a build-dependency. */
function buildDependencyDirs(context: ExecutorContext): Set<string> {
  const dirs = new Set<string>();
  for (const node of Object.values(context.projectGraph?.nodes ?? {})) {
    const cargo = (node.data.metadata as { cargo?: CargoProjectMetadata } | undefined)?.cargo;
    for (const dependency of cargo?.pathDependencies ?? []) if (dependency.kind === 'build') dirs.add(dependency.dir || '.');
  }
  return dirs;
}

function metadataOf(task: PlannedTask, context: ExecutorContext): CargoProjectMetadata {
  const project = task.id.slice(0, task.id.indexOf(':'));
  const cargo = (context.projectGraph?.nodes[project]?.data.metadata as { cargo?: CargoProjectMetadata } | undefined)?.cargo;
  if (!cargo) throw new NxCargoError(`project ${project} has no cargo metadata; is the nx-cargo plugin registered in nx.json?`);
  return cargo;
}

async function report(task: PlannedTask, outcome: PackageOutcome, success: boolean, startTime: number, crateCache: CrateCache, shared: { by: number; package: string; last: boolean }, failed: readonly string[] = []): Promise<TaskResult> {
  // cargo's view: units it ran (whether the crate cache restored or compiled them) and units it found up to date.
  const status = success ? `${plural(outcome.compiled, 'unit')} built, ${outcome.fresh} up to date` : outcome.failureReason(failed.filter((name) => name !== task.options.package));
  return done(task.id, success, `${noticeLine(task)}${outcome.diagnostics.join('')}${await cacheLine(crateCache, shared)}${summaryLine(task, success, startTime, status)}`, startTime);
}

function noticeLine(task: PlannedTask): string {
  const notice = buildTargetNotice(task.options, process.env);
  return notice ? outputLine(notice) : '';
}

/** The one line a task prints when it ends. */
function summaryLine(task: PlannedTask, success: boolean, startTime: number, detail?: string): string {
  const seconds = ((Date.now() - startTime) / 1000).toFixed(1);
  return outputLine(`${task.options.command} ${task.options.package} ${success ? 'ok' : 'FAILED'}${detail ? ` (${detail})` : ''} in ${seconds}s`);
}

function done(task: string, success: boolean, terminalOutput: string, startTime: number): TaskResult {
  return { task, result: { success, terminalOutput, startTime, endTime: Date.now() } };
}
