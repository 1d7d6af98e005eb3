import type { TargetConfiguration } from '@nx/devkit';
import { HOST_TARGET } from '../executors/cargo/cargo-args.js';
import type { CargoExecutorOptions } from '../executors/cargo/schema.js';
import type { NapiExecutorOptions } from '../executors/napi/schema.js';
import type { CrateSources } from './crate-sources.js';
import type { CrateDescription } from './cargo-graph.js';
import type { NxCargoPluginOptions } from './options.js';
import type { CargoProjectMetadata } from './project-metadata.js';
import type { DeclaredInput } from './declared-inputs.js';
import { inputsNodeName, PROFILE_CHAIN, PROFILE_NAMES, profileInputsFile, type ProfileName } from './workspace-inputs.js';

const EXECUTOR = 'nx-cargo:cargo';

/** Environment variables that change what cargo and rustc produce. */
const CARGO_ENV_INPUTS = ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'RUSTDOCFLAGS', 'CARGO_BUILD_TARGET'];

/**
 * cargo's configuration through the environment (`CARGO_PROFILE_DEV_OPT_LEVEL`,
 * `CARGO_TARGET_<triple>_LINKER`, `CARGO_BUILD_RUSTFLAGS`, ...): too many names
 * for `env` inputs, so one command lists them. Where the target dir is does
 * not change what is built. The same command for every task: Nx runs it once.
 */
const CARGO_CONFIG_ENV = "env | grep -E '^CARGO_(PROFILE|BUILD|TARGET)_' | grep -vE '^CARGO_(BUILD_)?TARGET_DIR=' | sort || true";

/** Project-level named input that holds a crate's own cargo inputs. */
const CARGO_INPUT = 'cargo';

/** How a crate is built and what its build leaves behind. */
export interface CrateBuild {
  root: string;
  /** Repo-relative folder cargo writes to (`target`, or `build.target-dir`). */
  targetDir: string;
  /** Final artifacts' file names inside the profile folder, as cargo names them for the target platform. */
  artifacts: string[];
  /** `[build] target` of the workspace's cargo config, when it names one triple. */
  target?: string;
  /** The binary `run` starts: '' when cargo must be told, absent without binaries. */
  defaultBinary?: string;
  /** Set for a napi-rs package (a `napi` entry in the crate's package.json). */
  napi?: { generatesBindings: boolean };
}

/** Workspace-level inputs of a crate: see CrateDescription.workspaceInputs. */
export interface CrateWorkspaceInputs {
  crate: string;
  devDependencies: string[];
  profilesOf?: string;
}

/**
 * The targets every crate gets, plus `run` for crates with binaries. Each
 * cached target hashes the profiles it builds with and no other: a
 * `[profile.release]` change leaves dev builds cached. Nx resolves a task's
 * inputs from its target alone and hashes every target's options and
 * configurations into every task of the project, so a configuration cannot
 * carry its own profile: release builds are targets of their own
 * (`build-release`, `test-release`). `run` is never cached and keeps
 * `--configuration=release`.
 */
export function inferTargets(
  metadata: CargoProjectMetadata,
  crate: CrateBuild,
  sources: CrateSources,
  workspaceInputs: CrateWorkspaceInputs,
  options?: NxCargoPluginOptions,
): Record<string, TargetConfiguration> {
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
  const withManifest = !omits(options, 'root-manifest');
  /** The named input of a profile's files and nodes (see cargoNamedInputs); a crate outside any workspace has its profiles in its own Cargo.toml. */
  const profileInputs = (profile: ProfileName): string[] => (workspaceInputs.profilesOf !== undefined && withManifest ? [profileInput(profile)] : []);
  // The crates a crate's tests add (dev-dependencies): their parts of the workspace files, with those of their build closures.
  const testOnly = withManifest && workspaceInputs.devDependencies.length > 0 ? [{ externalDependencies: workspaceInputs.devDependencies }] : [];
  const buildSources = sourcesOf(sources.build, sources.declared.build);
  const testSources = sourcesOf(sources.test, sources.declared.test);
  const inputsFor = (command: CargoExecutorOptions['command'], profile: ProfileName) => [
    CARGO_INPUT,
    ...(command === 'test' ? [...testSources, ...testOnly] : buildSources),
    ...(command === 'fmt' ? [] : profileInputs(profile)),
    ...(command === 'clippy' ? clippyInputs(metadata.workspaceDir) : []),
  ];
  const cargo = (command: CargoExecutorOptions['command'], profile: ProfileName, extra: Partial<CargoExecutorOptions> = {}): TargetConfiguration<CargoExecutorOptions> => ({
    executor: EXECUTOR,
    cache: true,
    inputs: inputsFor(command, profile),
    options: { command, package: metadata.package, cwd: metadata.workspaceDir || '.', ...extra },
  });
  const targets: Record<string, TargetConfiguration> = {
    build: crate.napi ? napiBuild(crate, inputsFor('build', 'dev'), false) : cargoBuild(crate, cargo('build', 'dev'), 'debug'),
    'build-release': crate.napi ? napiBuild(crate, inputsFor('build', 'release'), true) : cargoBuild(crate, cargo('build', 'release', { release: true }), 'release'),
    check: cargo('check', 'dev'),
    test: testTarget(cargo('test', 'test'), 'test', metadata, crate, options),
    'test-release': testTarget(cargo('test', 'bench', { release: true }), 'test-release', metadata, crate, options),
    clippy: cargo('clippy', 'dev'),
    fmt: cargo('fmt', 'dev'),
    doc: cargo('doc', 'dev'),
  };
  if (crate.defaultBinary !== undefined) {
    // Its own executor, without a batch implementation: a running program streams its output live.
    // Never cached, so `--configuration=release` cannot serve a stale result.
    targets.run = {
      executor: 'nx-cargo:run',
      cache: false,
      options: { command: 'run', package: metadata.package, cwd: metadata.workspaceDir || '.', ...(crate.defaultBinary === '' ? {} : { bin: crate.defaultBinary }) },
      configurations: { release: { release: true } },
    };
  }
  return targets;
}

/**
 * `cargo build`, caching only the final artifacts (never the target folder),
 * from `<target dir>/<triple>/<profile>/`: `target` is the triple (`.`, the
 * host, puts them straight under the target dir, as cargo does without
 * `--target`), so `nx build x --target=<triple>` caches the right files;
 * `profileDir` names the folder the profile writes to (`debug`, `release`).
 */
function cargoBuild(crate: CrateBuild, target: TargetConfiguration<CargoExecutorOptions>, profileDir: string): TargetConfiguration<CargoExecutorOptions> {
  return {
    ...target,
    options: { ...(target.options as CargoExecutorOptions), target: crate.target ?? HOST_TARGET, profileDir },
    outputs: crate.artifacts.map((file) => `{workspaceRoot}/${crate.targetDir}/{options.target}/{options.profileDir}/${file}`),
  };
}

/**
 * A test target as the plugin's `testRunner` asks: with `nextest`, `cargo
 * nextest run`, the workspace's .config/nextest.toml (profiles, retries) as
 * an input, and the task's JUnit report (`junitFile`) as its output.
 */
function testTarget(target: TargetConfiguration<CargoExecutorOptions>, name: string, metadata: CargoProjectMetadata, crate: CrateBuild, options: NxCargoPluginOptions | undefined): TargetConfiguration<CargoExecutorOptions> {
  if (options?.testRunner !== 'nextest') return target;
  const base = metadata.workspaceDir ? `{workspaceRoot}/${metadata.workspaceDir}` : '{workspaceRoot}';
  const junitFile = `${crate.targetDir}/nextest/junit/${metadata.package}/${name}.xml`;
  return {
    ...target,
    inputs: [...(target.inputs ?? []), `${base}/.config/nextest.toml`],
    options: { ...(target.options as CargoExecutorOptions), testRunner: 'nextest', junitFile },
    // Spelled out: Nx refuses an output that starts with `{workspaceRoot}/{options.…}`.
    outputs: [`{workspaceRoot}/${junitFile}`],
  };
}

/** `napi build` for a napi-rs package: the .node file (and generated bindings) beside its package.json. */
function napiBuild(crate: CrateBuild, inputs: TargetConfiguration['inputs'], release: boolean): TargetConfiguration<NapiExecutorOptions> {
  return {
    executor: 'nx-cargo:napi',
    cache: true,
    inputs,
    options: release ? { cwd: crate.root, release: true } : { cwd: crate.root },
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
 * besides other crates' sources and the profiles it builds with: the crate's
 * files (its generated inputs file among them), cargo config, toolchain,
 * flags in the environment, its own external closure named explicitly
 * (otherwise Nx hashes every external node in the graph), and the node
 * hashing the parts of the workspace Cargo.toml and Cargo.lock that reach
 * it and the crates it builds against. The whole workspace Cargo.toml and
 * Cargo.lock are not inputs: a change outside those parts leaves the task
 * cached.
 */
export function cargoNamedInputs(crate: CrateDescription, options?: NxCargoPluginOptions) {
  const named: Record<string, Array<string | { externalDependencies: string[] } | DeclaredInput>> = { [CARGO_INPUT]: [...ownInputs(crate, options), ...crate.declaredInputs] };
  // One named input per profile (its files and nodes, with the profiles it inherits), which the targets that build with it name.
  const dir = crate.workspaceInputs.profilesOf;
  if (dir !== undefined && !omits(options, 'root-manifest')) {
    for (const profile of PROFILE_NAMES) {
      const { files, nodes } = profileNames(dir)[profile];
      named[profileInput(profile)] = [...files, { externalDependencies: [...nodes] }];
    }
  }
  return named;
}

/** The project's named input for a profile. */
function profileInput(profile: ProfileName): string {
  return `${CARGO_INPUT}-profile-${profile}`;
}

function ownInputs(crate: CrateDescription, options: NxCargoPluginOptions | undefined) {
  const workspaceDir = crate.cargo.workspaceDir;
  const files = new Set<string>();
  for (const dir of new Set([workspaceDir, ''])) {
    const base = dir ? `{workspaceRoot}/${dir}` : '{workspaceRoot}';
    for (const file of ['.cargo/config.toml', '.cargo/config', 'rust-toolchain.toml', 'rust-toolchain']) files.add(`${base}/${file}`);
  }
  const externals = [
    ...(omits(options, 'lockfile-closure') ? [] : crate.externalClosure),
    ...(omits(options, 'root-manifest') ? [] : [crate.workspaceInputs.crate]),
  ];
  return [
    'default',
    // Build outputs written into the crate folder must not count as its inputs.
    ...napiOutputs(crate.build).map((output) => `!${output}`),
    ...files,
    { runtime: workspaceDir ? `cd '${workspaceDir}' && rustc -vV` : 'rustc -vV' },
    ...CARGO_ENV_INPUTS.map((env) => ({ env })),
    { runtime: CARGO_CONFIG_ENV },
    { externalDependencies: externals },
  ];
}

/** Profile file inputs and node names by workspace folder, made once: 500 crates share a handful. */
const profileNamesByDir = new Map<string, Record<ProfileName, { files: string[]; nodes: string[] }>>();

function profileNames(dir: string): Record<ProfileName, { files: string[]; nodes: string[] }> {
  let names = profileNamesByDir.get(dir);
  if (!names) {
    const of = (profile: ProfileName) => {
      const files = PROFILE_CHAIN[profile].map((name) => profileInputsFile(dir, name));
      return { files: files.map((file) => `{workspaceRoot}/${file}`), nodes: files.map(inputsNodeName) };
    };
    names = { dev: of('dev'), test: of('test'), release: of('release'), bench: of('bench') };
    profileNamesByDir.set(dir, names);
  }
  return names;
}

function omits(options: NxCargoPluginOptions | undefined, input: NonNullable<NxCargoPluginOptions['testOnlyOmitInputs']>[number]): boolean {
  return options?.testOnlyOmitInputs?.includes(input) ?? false;
}
