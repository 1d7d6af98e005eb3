import type { TargetConfiguration } from '@nx/devkit';
import type { CargoExecutorOptions } from '../executors/cargo/schema.js';
import type { NapiExecutorOptions } from '../executors/napi/schema.js';
import type { CrateSources } from './crate-sources.js';
import type { DeclaredInput } from './declared-inputs.js';
import type { CargoProjectMetadata } from './project-metadata.js';

const EXECUTOR = 'nx-cargo:cargo';

/** Environment variables that change what cargo and rustc produce. */
const CARGO_ENV_INPUTS = ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'RUSTDOCFLAGS', 'CARGO_BUILD_TARGET'];

/** Project-level named input that holds a crate's own cargo inputs. */
const CARGO_INPUT = 'cargo';

/** How a crate is built and what its build leaves behind. */
export interface CrateBuild {
  root: string;
  /** Repo-relative folder cargo writes to (`target`, or `build.target-dir`). */
  targetDir: string;
  /** Final artifacts' file names inside the profile folder: binaries, cdylib and staticlib files. */
  artifacts: string[];
  /** The binary `run` starts: '' when cargo must be told, absent without binaries. */
  defaultBinary?: string;
  /** Set for a napi-rs package (a `napi` entry in the crate's package.json). */
  napi?: { generatesBindings: boolean };
}

/** The targets every crate gets, plus `run` for crates with binaries. */
export function inferTargets(metadata: CargoProjectMetadata, crate: CrateBuild, sources: CrateSources): Record<string, TargetConfiguration> {
  // The crate's own inputs live once in the project's named input: repeating
  // them in every target made each project ~4.5 KB, which Nx pays to merge
  // and cache. Named inputs cannot name other projects, so where they differ
  // from what `^default` follows, the local crates whose sources reach the
  // task are listed per target: a dev-dependency reaches `cargo test`, never
  // `cargo build`.
  // `^default` says the same in a few bytes wherever no dev-dependency edge is in the way;
  // dependencies with declared inputs add their whole `cargo` input.
  const sourcesOf = (projects: CrateSources['build'], declared: string[]) => [
    ...(projects === 'any-edge' ? ['^default'] : projects.length > 0 ? [{ input: 'default', projects }] : []),
    ...(declared.length > 0 ? [{ input: CARGO_INPUT, projects: declared }] : []),
  ];
  const inputs = [CARGO_INPUT, ...sourcesOf(sources.build, sources.declared.build)];
  const cargo = (command: CargoExecutorOptions['command'], cache: boolean, extra: Partial<CargoExecutorOptions> = {}) => ({
    executor: EXECUTOR,
    cache,
    inputs: command === 'test' ? [CARGO_INPUT, ...sourcesOf(sources.test, sources.declared.test)] : command === 'clippy' ? [...inputs, ...clippyInputs(metadata.workspaceDir)] : inputs,
    options: { command, package: metadata.package, cwd: metadata.workspaceDir || '.', ...extra },
    configurations: { release: { release: true } },
  });
  const targets: Record<string, TargetConfiguration> = {
    build: crate.napi ? napiBuild(crate, inputs) : cargoBuild(crate, cargo('build', true)),
    check: cargo('check', true),
    test: cargo('test', true),
    clippy: cargo('clippy', true),
    fmt: { ...cargo('fmt', true), configurations: {} },
    doc: cargo('doc', true),
  };
  if (crate.defaultBinary !== undefined) {
    // Its own executor, without a batch implementation: a running program streams its output live.
    targets.run = { ...cargo('run', false, crate.defaultBinary === '' ? {} : { bin: crate.defaultBinary }), executor: 'nx-cargo:run', inputs: undefined };
  }
  return targets;
}

/**
 * `cargo build`, caching only the final artifacts (never the target folder):
 * `profileDir` names the folder the profile writes to, so that outputs
 * follow `--configuration=release`.
 */
function cargoBuild(crate: CrateBuild, target: TargetConfiguration<CargoExecutorOptions>): TargetConfiguration<CargoExecutorOptions> {
  return {
    ...target,
    options: { ...(target.options as CargoExecutorOptions), profileDir: 'debug' },
    configurations: { release: { release: true, profileDir: 'release' } },
    outputs: crate.artifacts.map((file) => `{workspaceRoot}/${crate.targetDir}/{options.profileDir}/${file}`),
  };
}

/** `napi build` for a napi-rs package: the .node file (and generated bindings) beside its package.json. */
function napiBuild(crate: CrateBuild, inputs: TargetConfiguration['inputs']): TargetConfiguration<NapiExecutorOptions> {
  return {
    executor: 'nx-cargo:napi',
    cache: true,
    inputs,
    options: { cwd: crate.root },
    configurations: { release: { release: true } },
    outputs: napiOutputs(crate),
  };
}

/** What `napi build` writes beside the package.json: the .node file, and bindings when napi-derive emits them. */
function napiOutputs(crate: CrateBuild): string[] {
  if (!crate.napi) return [];
  return crate.napi.generatesBindings ? ['{projectRoot}/*.node', '{projectRoot}/index.js', '{projectRoot}/index.d.ts'] : ['{projectRoot}/*.node'];
}

/** Clippy's own configuration: clippy.toml at the workspace root (the crate's own is among its files) and CLIPPY_CONF_DIR. */
function clippyInputs(workspaceDir: string) {
  const base = workspaceDir ? `{workspaceRoot}/${workspaceDir}` : '{workspaceRoot}';
  return [`${base}/clippy.toml`, `${base}/.clippy.toml`, { env: 'CLIPPY_CONF_DIR' }];
}

/**
 * The crate's named input: everything that can change a cargo task's result
 * besides other crates' sources: the crate's files, the workspace manifest
 * and lockfile, cargo config, toolchain, flags in the environment, and its
 * own external closure named explicitly (otherwise Nx hashes every external
 * node in the graph).
 */
export function cargoNamedInputs(workspaceDir: string, externalClosure: string[], build: CrateBuild, declared: DeclaredInput[]) {
  return { [CARGO_INPUT]: [...ownInputs(workspaceDir, externalClosure, build), ...declared] };
}

function ownInputs(workspaceDir: string, externalClosure: string[], build: CrateBuild) {
  const files = new Set<string>();
  for (const dir of new Set([workspaceDir, ''])) {
    const base = dir ? `{workspaceRoot}/${dir}` : '{workspaceRoot}';
    if (dir === workspaceDir) files.add(`${base}/Cargo.toml`).add(`${base}/Cargo.lock`);
    for (const file of ['.cargo/config.toml', '.cargo/config', 'rust-toolchain.toml', 'rust-toolchain']) files.add(`${base}/${file}`);
  }
  return [
    'default',
    // Build outputs written into the crate folder must not count as its inputs.
    ...napiOutputs(build).map((output) => `!${output}`),
    ...files,
    { runtime: workspaceDir ? `cd '${workspaceDir}' && rustc -vV` : 'rustc -vV' },
    ...CARGO_ENV_INPUTS.map((env) => ({ env })),
    { externalDependencies: externalClosure },
  ];
}
