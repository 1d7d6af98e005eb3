import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { cargoArgs } from './cargo-args.js';
import type { CargoExecutorOptions } from './schema.js';

export const CARGO_MISSING =
  'cargo was not found on PATH. Install Rust with rustup (https://rustup.rs) or your system package manager, ' +
  'make sure `cargo --version` works in this shell, then run the task again.';

/**
 * Runs `cargo <command> -p <package>` in the crate's workspace root with
 * inherited stdio, so cargo's progress and diagnostics stream as they come.
 * The environment passes through untouched: a user's RUSTC_WRAPPER stays.
 */
export default async function cargoExecutor(options: CargoExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const { execa } = await import('execa');
  const cwd = join(context.root, options.cwd);
  const result = await execa('cargo', cargoArgs(options), { cwd, stdio: 'inherit', reject: false });
  if ((result as { code?: string }).code === 'ENOENT') {
    console.error(`nx-cargo: ${CARGO_MISSING}`);
    return { success: false };
  }
  return { success: result.exitCode === 0 };
}
