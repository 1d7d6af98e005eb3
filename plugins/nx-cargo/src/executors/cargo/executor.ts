import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { cargoArgs, runsNextest } from './cargo-args.js';
import { CARGO_MISSING, isMissingCommand, spawnProcessGroup } from './cargo-process.js';
import { CrateCacheError, setUpCrateCache } from './crate-cache.js';
import { hasNextest, NEXTEST_MISSING, prepareNextest } from './nextest.js';
import { taskProfileProblem } from './profile-guard.js';
import { buildTargetNotice } from './target-notice.js';
import type { CargoExecutorOptions } from './schema.js';

/**
 * Runs `cargo <command> -p <package>` in the crate's workspace root with
 * inherited stdio, so cargo's progress and diagnostics stream as they come
 * (`cargo nextest run` for tests with `testRunner: nextest`). The crate cache
 * (`crateCache`) sets RUSTC_WRAPPER unless the user set one.
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
  const nextest = runsNextest(options);
  if (nextest && !(await hasNextest(process.env))) {
    console.error(`nx-cargo: ${NEXTEST_MISSING}`);
    return { success: false };
  }
  const crateCache = await setUpCrateCache(options.crateCache, cwd).catch((error: unknown) => {
    if (error instanceof CrateCacheError) return error;
    throw error;
  });
  if (crateCache instanceof CrateCacheError) {
    console.error(`nx-cargo: ${crateCache.message}`);
    return { success: false };
  }
  const run = nextest ? await prepareNextest(options, context.root) : undefined;
  const { child } = await spawnProcessGroup('cargo', run?.args ?? cargoArgs(options), { cwd, stdout: 'inherit', stderr: 'inherit', env: crateCache.env });
  const result = await child;
  const junitProblem = await run?.finish(result.exitCode);
  if (isMissingCommand(result)) {
    console.error(`nx-cargo: ${CARGO_MISSING}`);
    return { success: false };
  }
  if (junitProblem) console.warn(junitProblem);
  const summary = await crateCache.summary();
  if (summary) console.log(summary);
  return { success: result.exitCode === 0 };
}
