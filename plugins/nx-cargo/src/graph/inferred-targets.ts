import type { TargetConfiguration } from '@nx/devkit';
import type { CargoPackage } from '@nx-cargo/cargo-workspace';
import type { CargoExecutorOptions } from '../executors/cargo/schema.js';

const EXECUTOR = 'nx-cargo:cargo';

/** Environment variables that change what cargo and rustc produce. */
const CARGO_ENV_INPUTS = ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'RUSTDOCFLAGS', 'CARGO_BUILD_TARGET'];

/** Name of the project-level named input that holds a crate's cargo inputs. */
export const CARGO_INPUT = 'cargo';

/** The targets every crate gets, plus `run` for crates with binaries. */
export function inferTargets(packageName: string, workspaceDir: string, bin: string | undefined): Record<string, TargetConfiguration<CargoExecutorOptions>> {
  // Inputs live once in the project's named input: repeating them in every
  // target made each project ~4.5 KB, which Nx pays to merge and cache.
  const inputs = [CARGO_INPUT, '^default'];
  const cargo = (command: CargoExecutorOptions['command'], cache: boolean, extra: Partial<CargoExecutorOptions> = {}) => ({
    executor: EXECUTOR,
    cache,
    inputs,
    options: { command, package: packageName, cwd: workspaceDir || '.', ...extra },
    configurations: { release: { release: true } },
  });
  const targets: Record<string, TargetConfiguration<CargoExecutorOptions>> = {
    build: cargo('build', true),
    check: cargo('check', true),
    test: cargo('test', true),
    clippy: cargo('clippy', true),
    fmt: { ...cargo('fmt', true), configurations: {} },
    doc: cargo('doc', true),
  };
  if (bin !== undefined) targets.run = { ...cargo('run', false, bin === '' ? {} : { bin }), inputs: undefined };
  return targets;
}

/**
 * Everything that can change a cargo task's result: the crate's files, the
 * workspace manifest and lockfile, cargo config, toolchain, flags in the
 * environment, and its own external closure named explicitly (otherwise Nx
 * hashes every external node in the graph). Sources of crates it depends on
 * come in through `^default` on each target.
 */
export function cargoNamedInput(workspaceDir: string, externalClosure: string[]) {
  const files = new Set<string>();
  for (const dir of new Set([workspaceDir, ''])) {
    const base = dir ? `{workspaceRoot}/${dir}` : '{workspaceRoot}';
    if (dir === workspaceDir) files.add(`${base}/Cargo.toml`).add(`${base}/Cargo.lock`);
    for (const file of ['.cargo/config.toml', '.cargo/config', 'rust-toolchain.toml', 'rust-toolchain']) files.add(`${base}/${file}`);
  }
  return [
    'default',
    ...files,
    { runtime: workspaceDir ? `cd '${workspaceDir}' && rustc -vV` : 'rustc -vV' },
    ...CARGO_ENV_INPUTS.map((env) => ({ env })),
    { externalDependencies: externalClosure },
  ];
}
/** `default-run`, the only binary, or the binary named like the package; '' when cargo must be told. */
export function defaultBinary(pkg: CargoPackage): string | undefined {
  const bins = pkg.targets.filter((target) => target.kind.includes('bin')).map((target) => target.name);
  if (bins.length === 0) return undefined;
  const defaultRun = pkg.fields['default-run'];
  if (typeof defaultRun === 'string') return defaultRun;
  if (bins.length === 1) return bins[0];
  return bins.includes(pkg.name) ? pkg.name : '';
}
