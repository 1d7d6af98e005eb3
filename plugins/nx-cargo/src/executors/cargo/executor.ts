import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { cargoArgs, runsNextest } from './cargo-args.js';
import { isMissingCommand, spawnProcessGroup } from '../../process-group.js';
import { CARGO_MISSING, say } from '../../messages.js';
import { CrateCacheError, setUpCrateCache } from './crate-cache.js';
import { hasNextest, NEXTEST_MISSING, prepareNextest } from './nextest.js';
import { taskProfileProblem } from './profile-guard.js';
import { startStrictInputs, strictInputsWanted } from './strict-inputs.js';
import { buildTargetNotice } from './target-notice.js';
import type { CargoExecutorOptions } from './schema.js';

/**
 * Runs `cargo <command> -p <package>` in the crate's workspace root with
 * inherited stdio, so cargo's progress and diagnostics stream as they come
 * (`cargo nextest run` for tests with `testRunner: nextest`). The crate cache
 * (`crateCache`) sets RUSTC_WRAPPER unless the user set one. With strict
 * inputs, cargo's stdout carries its JSON messages (all other lines, a
 * test's own output, are passed on) and the build is checked against the
 * task's inputs once it succeeded.
 */
export default async function cargoExecutor(options: CargoExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const profileProblem = taskProfileProblem(
    { project: context.projectName ?? '', target: context.targetName ?? '', configuration: context.configurationName },
    context.projectsConfigurations?.projects,
    options,
  );
  if (profileProblem) {
    say.error(profileProblem);
    return { success: false };
  }
  const notice = buildTargetNotice(options, process.env);
  if (notice) say.warn(notice);
  const cwd = join(context.root, options.cwd);
  const nextest = runsNextest(options);
  if (nextest && !(await hasNextest(process.env))) {
    say.error(NEXTEST_MISSING);
    return { success: false };
  }
  const crateCache = await setUpCrateCache(options.crateCache, cwd).catch((error: unknown) => {
    if (error instanceof CrateCacheError) return error;
    throw error;
  });
  if (crateCache instanceof CrateCacheError) {
    say.error(crateCache.message);
    return { success: false };
  }
  const strictWanted = strictInputsWanted(options, process.env);
  if (strictWanted && nextest) say.warn('strict inputs are not checked under testRunner nextest; check this task with nx-cargo-audit, which builds its tests with cargo');
  const strict = strictWanted && !nextest ? await startStrictInputs(options, context, { project: context.projectName ?? '', target: context.targetName ?? '' }) : undefined;
  try {
    if (strict?.notice) say.warn(strict.notice);
    const run = nextest ? await prepareNextest(options, context.root) : undefined;
    const args = run?.args ?? cargoArgs(options);
    if (strict) args.splice(1, 0, ...strict.args);
    const { child } = await spawnProcessGroup('cargo', args, { cwd, stdout: strict ? 'pipe' : 'inherit', stderr: 'inherit', env: { ...crateCache.env, ...strict?.env } });
    const stdout = strict ? await passOnNonJson(child) : '';
    const result = await child;
    const junitProblem = await run?.finish(result.exitCode);
    if (isMissingCommand(result)) {
      say.error(CARGO_MISSING);
      return { success: false };
    }
    if (junitProblem) console.warn(junitProblem);
    const summary = await crateCache.summary();
    if (summary) console.log(summary);
    if (result.exitCode !== 0) return { success: false };
    const failure = await strict?.check(stdout);
    if (failure) console.error(failure.trimEnd());
    return { success: failure === undefined };
  } finally {
    await strict?.dispose();
  }
}

/** Prints cargo's stdout lines that are not its JSON messages as they come (a test's output); returns the whole of it. */
async function passOnNonJson(child: Awaited<ReturnType<typeof spawnProcessGroup>>['child']): Promise<string> {
  const lines: string[] = [];
  for await (const line of child.iterable({ from: 'stdout' })) {
    const text = String(line);
    lines.push(text);
    if (!text.startsWith('{"reason":')) process.stdout.write(`${text}\n`);
  }
  return lines.join('\n');
}
