import { packageNameProblem, RESERVED_BIN_NAMES } from '@nx-cargo/cargo-workspace';
import { NxCargoError } from '../../errors.js';

/** The crate name a generator was given, checked as `cargo new` checks it; the error says what is wrong and what is allowed. */
export function validatePackageName(name: unknown, kind: 'library' | 'binary'): string {
  if (typeof name !== 'string' || name === '') throw new NxCargoError('a crate name is required, for example `nx g nx-cargo:library my-crate`');
  const problem = packageNameProblem(name, kind);
  if (problem) throw new NxCargoError(`invalid ${kind === 'binary' && RESERVED_BIN_NAMES.has(name) ? 'binary ' : ''}crate name \`${name}\`: ${problem}`);
  return name;
}
