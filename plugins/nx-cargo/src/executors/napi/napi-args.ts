import { argList } from '../cargo/cargo-args.js';
import type { NapiExecutorOptions } from './schema.js';

/** The argv (after `napi`) for one build; pure so it can be tested alone. */
export function napiArgs(options: NapiExecutorOptions): string[] {
  const args = ['build', '--platform'];
  if (options.release) args.push('--release');
  const features = argList(options.features);
  if (features.length > 0) args.push('--features', features.join(','));
  if (options.target) args.push('--target', options.target);
  return [...args, ...argList(options.args)];
}
