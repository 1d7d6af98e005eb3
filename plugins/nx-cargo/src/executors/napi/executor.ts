import type { ExecutorContext } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CARGO_MISSING, isMissingCommand, spawnProcessGroup } from '../cargo/cargo-process.js';
import { napiArgs } from './napi-args.js';
import type { NapiExecutorOptions } from './schema.js';

/**
 * Runs the workspace's own `napi build` in the package folder, streaming its
 * output; napi-rs runs cargo itself and copies the .node file beside the
 * package.json.
 */
export default async function napiExecutor(options: NapiExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const napi = join(context.root, 'node_modules', '.bin', 'napi');
  if (!existsSync(napi)) {
    console.error(`nx-cargo: ${options.cwd} is a napi-rs package but ${napi} is missing: run \`npm install -D @napi-rs/cli\` in the workspace root.`);
    return { success: false };
  }
  const { child } = await spawnProcessGroup(napi, napiArgs(options), { cwd: join(context.root, options.cwd), stdout: 'inherit', stderr: 'inherit' });
  const result = await child;
  if (isMissingCommand(result)) {
    console.error(`nx-cargo: ${CARGO_MISSING}`);
    return { success: false };
  }
  return { success: result.exitCode === 0 };
}
