import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { cargoArgs } from './cargo-args.js';
import { CARGO_MISSING, isMissingCommand, spawnProcessGroup } from './cargo-process.js';
import { CrateCacheError, setUpCrateCache } from './crate-cache.js';
import { taskProfileProblem } from './profile-guard.js';
import { buildTargetNotice } from './target-notice.js';
import type { CargoExecutorOptions } from './schema.js';

/**
 * Runs `cargo <command> -p <package>` in the crate's workspace root with
 * inherited stdio, so cargo's progress and diagnostics stream as they come.
 * The crate cache (`crateCache`) sets RUSTC_WRAPPER unless the user set one.
 */
export default async function cargoExecutor(options: CargoExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const profileProblem = taskProfileProblem(
    { project: context.projectName ?? '', target: context.targetName ?? '', configuration: context.configurationName },
    context.projectsConfigurations?.projects,
    options,
  );
  if (profileProblem) {
    console.error(`nx-cargo: ${profileProblem}`);
    return { success: false };
  }
  const notice = buildTargetNotice(options, process.env);
  if (notice) console.warn(`nx-cargo: ${notice}`);
  const cwd = join(context.root, options.cwd);
  const crateCache = await setUpCrateCache(options.crateCache, cwd).catch((error: unknown) => {
    if (error instanceof CrateCacheError) return error;
    throw error;
  });
  if (crateCache instanceof CrateCacheError) {
    console.error(`nx-cargo: ${crateCache.message}`);
    return { success: false };
  }
  const { child } = await spawnProcessGroup('cargo', cargoArgs(options), { cwd, stdout: 'inherit', stderr: 'inherit', env: crateCache.env });
  const result = await child;
  if (isMissingCommand(result)) {
    console.error(`nx-cargo: ${CARGO_MISSING}`);
    return { success: false };
  }
  const summary = await crateCache.summary();
  if (summary) console.log(summary);
  return { success: result.exitCode === 0 };
}
