import { NxCargoError } from '../../errors.js';
import { argList } from '../cargo/cargo-args.js';
import type { NapiExecutorOptions } from './schema.js';

/**
 * `napi build` flags that write the .node file or the bindings somewhere other
 * than the package folder (or build another crate): the target's outputs name
 * that folder, so a cache hit would not restore what such a build wrote.
 */
const MOVES_OUTPUTS = ['--output-dir', '-o', '--js', '--js-binding', '--dts', '--cwd', '--manifest-path'];

/** An option the napi target cannot pass to `napi build`. */
export class NapiArgsError extends NxCargoError {
  constructor(readonly flag: string) {
    super(
      `\`${flag}\` in the napi target's args moves what napi build writes away from the files the target caches ` +
        '({projectRoot}/*.node, index.js, index.d.ts), so a cache hit would not restore them. ' +
        'Leave the files in the package folder, or run napi through nx:run-commands with outputs of your own.',
    );
  }
}

/**
 * The argv (after `napi`) for one build; pure so it can be tested alone.
 * `--platform` names the file `<binaryName>.<platform>.node` and makes
 * napi build write index.js (index.d.ts comes without it too).
 */
export function napiArgs(options: NapiExecutorOptions): string[] {
  const extra = argList(options.args);
  const moving = extra.find((arg) => MOVES_OUTPUTS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
  if (moving !== undefined) throw new NapiArgsError(moving.split('=')[0]);
  const args = ['build', '--platform'];
  if (options.release) args.push('--release');
  const features = argList(options.features);
  // One comma-separated value: napi passes the values of --features to cargo as they are, and cargo reads one list.
  if (features.length > 0) args.push('--features', features.join(','));
  if (options.target) args.push('--target', options.target);
  return [...args, ...extra];
}
