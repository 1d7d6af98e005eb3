import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { which } from '@nx-cargo/crate-cache';
import { stringify } from 'smol-toml';
import { nextestArgs } from './cargo-args.js';
import type { CargoExecutorOptions } from './schema.js';
import { message } from '../../messages.js';

export const NEXTEST_MISSING = 'testRunner is "nextest" but cargo-nextest is not installed: install it (`cargo install cargo-nextest --locked`, or a prebuilt binary from https://nexte.st), or set testRunner to "cargo".';

/** nextest's exit codes for a run whose tests ran (passed, or some failed): a JUnit report is due. */
const TESTS_RAN = new Set([0, 100]);

/** One test task's `cargo nextest run`: its argv, and what to do once it ended. */
export interface NextestRun {
  args: string[];
  /** Removes the run's tool config; says so when nextest wrote no JUnit report where the task caches it. */
  finish(exitCode: number | undefined): Promise<string | undefined>;
}

/** cargo finds `cargo nextest` as cargo-nextest on PATH or in $CARGO_HOME/bin. */
export async function hasNextest(env: NodeJS.ProcessEnv): Promise<boolean> {
  if (await which('cargo-nextest', env)) return true;
  return existsSync(join(env.CARGO_HOME || join(homedir(), '.cargo'), 'bin', 'cargo-nextest'));
}

/**
 * The task's nextest run. nextest has no flag for the JUnit file, so the
 * task's (`junitFile`) goes into the profile it runs through a tool config
 * file (`--tool-config-file`), which ranks below the repository's
 * .config/nextest.toml: a `junit.path` the profile sets there wins, and the
 * task says so. The file is removed first, so a report of an earlier run is
 * never cached as this one's.
 */
export async function prepareNextest(options: CargoExecutorOptions, workspaceRoot: string, { color = false } = {}): Promise<NextestRun> {
  if (!options.junitFile) return { args: nextestArgs(options, { color }), finish: async () => undefined };
  const junit = join(workspaceRoot, options.junitFile);
  await rm(junit, { force: true });
  await mkdir(dirname(junit), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'nx-cargo-nextest-'));
  const toolConfig = join(dir, 'nextest.toml');
  const profile = options.nextestProfile ?? 'default';
  await writeFile(toolConfig, stringify({ profile: { [profile]: { junit: { path: junit } } } }));
  return {
    args: nextestArgs(options, { toolConfig, color }),
    finish: async (exitCode) => {
      await rm(dir, { recursive: true, force: true });
      if (exitCode === undefined || !TESTS_RAN.has(exitCode) || existsSync(junit)) return undefined;
      return message(`nextest wrote no JUnit report to ${options.junitFile}: a junit.path of profile "${profile}" in .config/nextest.toml takes precedence over the task's; remove it to get one report per task`);
    },
  };
}
