import type { CargoExecutorOptions } from './schema.js';

/**
 * The `target` option's value for "no --target" (the host): a path segment
 * that joins away in the build outputs (`target/{options.target}/debug/x`),
 * since Nx drops an output whose `{options.x}` is unset (and, before Nx 24,
 * empty).
 */
export const HOST_TARGET = '.';

/** `--target <triple>`, or nothing for the host. */
export function targetArgs(options: Pick<CargoExecutorOptions, 'target'>): string[] {
  return options.target && options.target !== HOST_TARGET ? ['--target', options.target] : [];
}

/**
 * The argv (after `cargo`) for a task, or for several tasks that differ only
 * in their package (a batch); pure so it can be tested alone.
 */
export function cargoArgs(options: CargoExecutorOptions, packages: readonly string[] = [options.package]): string[] {
  const args: string[] = [options.command, ...packages.flatMap((name) => ['-p', name])];
  if (options.command === 'fmt') return [...args, '--check', ...argList(options.args)];
  if (options.command === 'doc') args.push('--no-deps');
  args.push(...buildArgs(options, '--profile'));
  if (options.bin) args.push('--bin', options.bin);
  // `nx run app:run --args="--version"` is for the program, as `cargo run -- --version` says.
  if (options.command === 'run') return [...args, '--', ...argList(options.args)];
  return [...args, ...argList(options.args)];
}

/** A test task runs under cargo-nextest (`testRunner: nextest`). */
export function runsNextest(options: CargoExecutorOptions): boolean {
  return options.command === 'test' && options.testRunner === 'nextest';
}

/**
 * `cargo nextest run` for test tasks (see cargoArgs): nextest's profile
 * (`nextestProfile`, `default` unless told), `--partition` as given, the
 * tool config file that names this task's JUnit file, and `--no-tests=warn`
 * unless the task's args say otherwise: a crate without tests (or a
 * partition that holds none of them) passes, as under `cargo test`.
 * `color`: nextest's `--color always`, for output captured through a pipe.
 */
export function nextestArgs(options: CargoExecutorOptions, { toolConfig, color = false }: { toolConfig?: string; color?: boolean } = {}): string[] {
  const extra = argList(options.args);
  const args = ['nextest', 'run', ...(color ? ['--color', 'always'] : []), '-p', options.package, ...buildArgs(options, '--cargo-profile')];
  args.push('--profile', options.nextestProfile ?? 'default');
  if (options.partition) args.push('--partition', options.partition);
  if (toolConfig) args.push('--tool-config-file', `nx-cargo:${toolConfig}`);
  if (!extra.some((arg) => arg.startsWith('--no-tests'))) args.push('--no-tests=warn');
  return [...args, ...extra];
}

/** Profile, features and target: `profileFlag` is cargo's `--profile`, or nextest's `--cargo-profile` (its `--profile` is its own). */
function buildArgs(options: CargoExecutorOptions, profileFlag: string): string[] {
  const args: string[] = [];
  if (options.profile) args.push(profileFlag, options.profile);
  else if (options.release) args.push('--release');
  const features = argList(options.features);
  if (features.length > 0) args.push('--features', features.join(','));
  if (options.allFeatures) args.push('--all-features');
  if (options.noDefaultFeatures) args.push('--no-default-features');
  return [...args, ...targetArgs(options)];
}

/** Options given on the command line arrive as strings; in nx.json as arrays. */
export function argList(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}
