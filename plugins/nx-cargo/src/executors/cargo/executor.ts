import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { cargoArgs } from './cargo-args.js';
import { CARGO_MISSING, isMissingCommand, spawnProcessGroup } from './cargo-process.js';
import type { CargoExecutorOptions } from './schema.js';

/**
 * Runs `cargo <command> -p <package>` in the crate's workspace root with
 * inherited stdio, so cargo's progress and diagnostics stream as they come.
 * The environment passes through untouched: a user's RUSTC_WRAPPER stays.
 */
export default async function cargoExecutor(options: CargoExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const { child } = await spawnProcessGroup('cargo', cargoArgs(options), { cwd: join(context.root, options.cwd), stdout: 'inherit', stderr: 'inherit' });
  const result = await child;
  if (isMissingCommand(result)) {
    console.error(`nx-cargo: ${CARGO_MISSING}`);
    return { success: false };
  }
  return { success: result.exitCode === 0 };
}
