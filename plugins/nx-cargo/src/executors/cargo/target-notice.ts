import { HOST_TARGET } from './cargo-args.js';
import type { CargoExecutorOptions } from './schema.js';

/**
 * A build's cached outputs follow its `target` option; CARGO_BUILD_TARGET
 * moves cargo's artifacts to `<target dir>/<triple>/` behind the option's
 * back, so Nx would cache none of them. Says so, with the fix.
 */
export function buildTargetNotice(options: CargoExecutorOptions, env: NodeJS.ProcessEnv): string | undefined {
  const triple = env.CARGO_BUILD_TARGET;
  if (!triple || options.profileDir === undefined || (options.target && options.target !== HOST_TARGET)) return undefined;
  return `CARGO_BUILD_TARGET=${triple} puts the artifacts under ${triple}/ in the target dir, which this task's outputs do not name, so Nx caches none of them: pass --target=${triple} instead (or set build.target in .cargo/config.toml).`;
}
