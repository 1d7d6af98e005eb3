import { parseCargoMessages, type CargoMessage } from '@nx-cargo/cargo-workspace';
import type { RecordedProcess } from '@nx-cargo/crate-cache';
import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { formatReport } from '../../audit/audit-report.js';
import { checkBuild, taskBasis } from '../../audit/build-check.js';
import { isRecordingOff, startBuildRecording } from '../../audit/build-recording.js';
import { cargoHome, nodeFs } from '../../audit/build-io.js';
import type { InputModel, NxInput, ProjectInputs } from '../../audit/input-coverage.js';
import type { CargoProjectMetadata } from '../../graph/project-metadata.js';
import { spawnProcessGroup } from '../../process-group.js';
import type { CargoExecutorOptions } from './schema.js';
import { message, outputLine } from '../../messages.js';

/** The variable that turns strict inputs on for every nx-cargo:cargo task (CI sets it once). */
export const STRICT_INPUTS_ENV = 'NX_CARGO_STRICT_INPUTS';

/** Commands whose builds strict mode checks: those that compile. */
const CHECKED = new Set<CargoExecutorOptions['command']>(['build', 'check', 'test', 'clippy']);

/** Strict inputs apply: the option or the variable asks for them, and the command compiles. */
export function strictInputsWanted(options: CargoExecutorOptions, env: NodeJS.ProcessEnv): boolean {
  const asked = options.strictInputs ?? (env[STRICT_INPUTS_ENV] === '1' || env[STRICT_INPUTS_ENV] === 'true');
  return asked && CHECKED.has(options.command);
}

/**
 * One strictly checked cargo run: cargo records what the build reads and
 * prints its JSON messages on stdout (diagnostics stay rendered on stderr),
 * then the build is checked against the task's inputs exactly as
 * nx-cargo-audit checks it. What the crate cache restores was not built, so
 * it is not checked again (its key already covers what its macros read).
 */
export interface StrictRun {
  /** Added to cargo's environment. */
  env: Record<string, string>;
  /** Added after the cargo subcommand. */
  args: string[];
  /** Set when the build cannot be recorded here: the check then covers dep-info and rerun-if lines only. */
  notice?: string;
  /** The failure message when the build read something the task's inputs do not cover, else undefined. */
  check(stdout: string): Promise<string | undefined>;
  dispose(): Promise<void>;
}

export async function startStrictInputs(options: CargoExecutorOptions, context: ExecutorContext, task: { project: string; target: string }): Promise<StrictRun> {
  const recording = await startBuildRecording(process.env);
  const off = isRecordingOff(recording);
  return {
    env: off ? {} : recording.env,
    args: ['--message-format=json-render-diagnostics'],
    ...(off ? { notice: `strict inputs: ${recording.off}; what proc macros and build scripts read beyond dep-info and rerun-if lines is not checked` } : {}),
    async check(stdout) {
      const processes = off ? [] : await recording.processes();
      return checkTask(options, context, task, parseCargoMessages(stdout), processes);
    },
    dispose: async () => {
      if (!off) await recording.dispose();
    },
  };
}

async function checkTask(
  options: CargoExecutorOptions,
  context: ExecutorContext,
  task: { project: string; target: string },
  messages: CargoMessage[],
  processes: RecordedProcess[],
): Promise<string | undefined> {
  const graph = context.projectGraph;
  const cargo = (graph?.nodes[task.project]?.data.metadata as { cargo?: CargoProjectMetadata } | undefined)?.cargo;
  if (!graph || !cargo) return outputLine(`strict inputs: no project graph entry with cargo metadata for ${task.project}; is the nx-cargo plugin registered in nx.json?`);
  const cwd = join(context.root, options.cwd);
  const metadata = await cargoMetadata(cwd);
  if (typeof metadata === 'string') return outputLine(`strict inputs: ${metadata}`);
  const model: InputModel = {
    projects: Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [name, node.data as ProjectInputs])),
    dependencies: Object.fromEntries(Object.entries(graph.dependencies).map(([name, edges]) => [name, edges.map((edge) => edge.target)])),
    nxNamedInputs: context.nxJsonConfiguration?.namedInputs as Record<string, NxInput[]> | undefined,
  };
  const basis = taskBasis(model, { ...task, manifestFile: cargo.manifestFile }, { ...nodeFs, nxRoot: context.root });
  const place = { nxRoot: context.root, cargoRoot: metadata.workspace_root, targetDir: metadata.target_directory, environment: process.env, cargoHome: cargoHome(process.env) };
  const subject = { ...task, package: cargo.package, manifestFile: cargo.manifestFile };
  const { report } = checkBuild(subject, { messages, processes, place }, basis, nodeFs);
  if (report.uncovered.length === 0) return undefined;
  return `${formatReport(report, message('strict inputs'))}${outputLine(`strict inputs: declare them (\`npx nx-cargo-audit ${task.project} --target ${task.target} --fix\` writes them), or run without strictInputs / ${STRICT_INPUTS_ENV}`)}`;
}

async function cargoMetadata(cwd: string): Promise<{ workspace_root: string; target_directory: string } | string> {
  const { child } = await spawnProcessGroup('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd, stdout: 'pipe', stderr: 'pipe' });
  const result = await child;
  if (result.exitCode !== 0) return `cargo metadata failed in ${cwd}: ${String(result.stderr)}`;
  return JSON.parse(String(result.stdout)) as { workspace_root: string; target_directory: string };
}
