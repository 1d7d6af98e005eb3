import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { which } from '@nx-cargo/crate-cache';
import { spawnProcessGroup } from '../../process-group.js';
import { CARGO_MISSING, say } from '../../messages.js';
import { napiArgs, NapiArgsError } from './napi-args.js';
import { findNapiCli, NapiCliError } from './napi-cli.js';
import type { NapiExecutorOptions } from './schema.js';

/**
 * Runs the workspace's own `napi build` in the package folder, streaming its
 * output; napi-rs runs cargo itself and writes the .node file, index.js and
 * index.d.ts beside the Cargo.toml.
 */
export default async function napiExecutor(options: NapiExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const { success, error } = await runNapiBuild(options, context.root);
  if (error) say.error(error);
  return { success };
}

/** One `napi build`; `error` says why it did not succeed when napi's own output does not. */
export async function runNapiBuild(options: NapiExecutorOptions, workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<{ success: boolean; error?: string }> {
  let cli: string;
  let args: string[];
  try {
    cli = findNapiCli(workspaceRoot);
    args = napiArgs(options);
  } catch (error) {
    if (error instanceof NapiCliError || error instanceof NapiArgsError) return { success: false, error: `${options.cwd}: ${error.message}` };
    throw error;
  }
  const cwd = join(workspaceRoot, options.cwd);
  const { child } = await spawnProcessGroup(process.execPath, [cli, ...args], { cwd, env, stdout: 'inherit', stderr: 'inherit' });
  const result = await child;
  // No exit code and no signal: the process never ran (a missing folder, no permission to run Node).
  if (result.exitCode === undefined && result.signal === undefined) {
    return { success: false, error: `could not start the napi CLI (${process.execPath} ${cli}) in ${cwd}: ${result.cause instanceof Error ? result.cause.message : result.shortMessage}` };
  }
  if (result.exitCode === 0) return { success: true };
  // napi reports a missing cargo only as "cargo metadata failed to run"; CARGO replaces cargo for napi as for cargo's own tools.
  if (!env.CARGO && !(await which('cargo', env))) return { success: false, error: CARGO_MISSING };
  return { success: false };
}
