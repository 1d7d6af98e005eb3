import type { ProfileName } from '@nx-cargo/cargo-workspace';
import type { TargetConfiguration } from '@nx/devkit';
import { HOST_TARGET } from '../executors/cargo/cargo-args.js';
import type { CargoExecutorOptions } from '../executors/cargo/schema.js';
import type { NapiExecutorOptions } from '../executors/napi/schema.js';
import type { ReleasePublishExecutorOptions } from '../executors/release-publish/schema.js';
import type { InternalPluginOptions, TargetNameOption } from './options.js';
import { targetInputs, type InputsKind } from './target-inputs.js';
import type { CrateDescription } from './types.js';

/*
 * One function per kind of inferred target, as @nx/vite's plugin has: the
 * cargo commands that differ only in command, inputs and profile share
 * `cargoTarget`; build, napi, run and publish have their own. Every cached
 * target hashes the profiles it builds with and no other: a
 * `[profile.release]` change leaves dev builds cached. Nx resolves a task's
 * inputs from its target alone and hashes every target's options and
 * configurations into every task of the project, so a configuration cannot
 * carry its own profile: release builds are targets of their own.
 */

/** The target `nx release publish` runs in each project of a release group (Nx's name, not ours to change). */
export const RELEASE_PUBLISH_TARGET = 'nx-release-publish';

const DEFAULT_NAMES: Record<TargetNameOption, string> = {
  buildTargetName: 'build',
  buildReleaseTargetName: 'build-release',
  checkTargetName: 'check',
  testTargetName: 'test',
  testReleaseTargetName: 'test-release',
  clippyTargetName: 'clippy',
  fmtTargetName: 'fmt',
  docTargetName: 'doc',
  runTargetName: 'run',
};

/** The targets of a crate, under the names the plugin options give them. */
export function crateTargets(crate: CrateDescription, options: InternalPluginOptions | undefined): Record<string, TargetConfiguration> {
  const name = (option: TargetNameOption) => options?.[option] ?? DEFAULT_NAMES[option];
  const targets: Record<string, TargetConfiguration> = {
    [name('buildTargetName')]: crate.build.napi ? napiBuildTarget(crate, 'dev', options) : buildTarget(crate, 'dev', options),
    [name('buildReleaseTargetName')]: crate.build.napi ? napiBuildTarget(crate, 'release', options) : buildTarget(crate, 'release', options),
    [name('checkTargetName')]: cargoTarget(crate, 'check', 'build', 'dev', options, 'Type-checks the crate (cargo check), without producing artifacts.'),
    [name('testTargetName')]: testTarget(crate, 'test', name('testTargetName'), options),
    [name('testReleaseTargetName')]: testTarget(crate, 'bench', name('testReleaseTargetName'), options),
    [name('clippyTargetName')]: cargoTarget(crate, 'clippy', 'clippy', 'dev', options, 'Lints the crate with clippy (cargo clippy).'),
    [name('fmtTargetName')]: cargoTarget(crate, 'fmt', 'fmt', 'dev', options, 'Checks the crate\'s formatting (cargo fmt --check).'),
    [name('docTargetName')]: cargoTarget(crate, 'doc', 'build', 'dev', options, 'Builds the crate\'s documentation (cargo doc --no-deps).'),
  };
  if (crate.build.defaultBinary !== undefined) targets[name('runTargetName')] = runTarget(crate);
  if (crate.cargo.publishable) targets[RELEASE_PUBLISH_TARGET] = releasePublishTarget(crate);
  return targets;
}

/** What `nx show project` and Nx Console show of a target: what it does and where its options come from. */
function metadata(description: string, helpCommand: string, example: Record<string, unknown>): TargetConfiguration['metadata'] {
  return { technologies: ['cargo'], description, help: { command: helpCommand, example: { options: example } } };
}

function cargoOptions(crate: CrateDescription, command: CargoExecutorOptions['command'], extra: Partial<CargoExecutorOptions> = {}): CargoExecutorOptions {
  return { command, package: crate.cargo.package, cwd: crate.cargo.workspaceDir || '.', ...extra };
}

function cargoTarget(
  crate: CrateDescription,
  command: CargoExecutorOptions['command'],
  kind: InputsKind,
  profile: ProfileName,
  options: InternalPluginOptions | undefined,
  description: string,
  extra: Partial<CargoExecutorOptions> = {},
): TargetConfiguration<CargoExecutorOptions> {
  return {
    executor: 'nx-cargo:cargo',
    cache: true,
    inputs: targetInputs(crate, kind, profile, options),
    options: cargoOptions(crate, command, extra),
    metadata: metadata(description, `cargo ${command} --help`, { features: ['my-feature'], args: ['--locked'] }),
  };
}

/**
 * `cargo test`, or with the plugin's `testRunner: nextest`, `cargo nextest
 * run`: then the workspace's .config/nextest.toml (profiles, retries) is an
 * input and the task's JUnit report (`junitFile`, named after the target) its
 * output, spelled out since Nx refuses an output that starts with
 * `{workspaceRoot}/{options.…}`.
 */
function testTarget(crate: CrateDescription, profile: 'test' | 'bench', targetName: string, options: InternalPluginOptions | undefined): TargetConfiguration<CargoExecutorOptions> {
  const release = profile === 'bench';
  const description = release ? "Runs the crate's tests built with the release profile (cargo test --release)." : "Builds and runs the crate's unit, integration and doc tests (cargo test).";
  const target = cargoTarget(crate, 'test', 'test', profile, options, description, release ? { release: true } : {});
  if (options?.testRunner !== 'nextest') return target;
  const base = crate.cargo.workspaceDir ? `{workspaceRoot}/${crate.cargo.workspaceDir}` : '{workspaceRoot}';
  const junitFile = `${crate.build.targetDir}/nextest/junit/${crate.cargo.package}/${targetName}.xml`;
  return {
    ...target,
    inputs: [...(target.inputs ?? []), `${base}/.config/nextest.toml`],
    options: { ...(target.options as CargoExecutorOptions), testRunner: 'nextest', junitFile },
    outputs: [`{workspaceRoot}/${junitFile}`],
  };
}

/**
 * `cargo build`, caching only the final artifacts (never the target folder),
 * from `<target dir>/<triple>/<profile>/`: `target` is the triple (`.`, the
 * host, puts them straight under the target dir, as cargo does without
 * `--target`), so a build with `target` set (project.json, targetDefaults)
 * caches the right files; `profileDir` names the folder the profile writes
 * to (`debug`, `release`).
 */
function buildTarget(crate: CrateDescription, profile: 'dev' | 'release', options: InternalPluginOptions | undefined): TargetConfiguration<CargoExecutorOptions> {
  const release = profile === 'release';
  const description = release ? 'Builds the crate with the release profile (cargo build --release), caching its binaries and libraries.' : 'Builds the crate (cargo build), caching its binaries and libraries.';
  return {
    ...cargoTarget(crate, 'build', 'build', profile, options, description, { ...(release ? { release: true } : {}), target: crate.build.target ?? HOST_TARGET, profileDir: release ? 'release' : 'debug' }),
    outputs: crate.build.artifacts.map((file) => `{workspaceRoot}/${crate.build.targetDir}/{options.target}/{options.profileDir}/${file}`),
  };
}

/** `napi build` for a napi-rs package: the .node file (and generated bindings) beside its package.json. */
function napiBuildTarget(crate: CrateDescription, profile: 'dev' | 'release', options: InternalPluginOptions | undefined): TargetConfiguration<NapiExecutorOptions> {
  const release = profile === 'release';
  const napi = crate.build.napi as NonNullable<CrateDescription['build']['napi']>;
  return {
    executor: 'nx-cargo:napi',
    cache: true,
    inputs: targetInputs(crate, 'build', profile, options),
    options: release ? { cwd: crate.build.root, release: true } : { cwd: crate.build.root },
    outputs: napi.generatesBindings ? ['{projectRoot}/*.node', '{projectRoot}/index.js', '{projectRoot}/index.d.ts'] : ['{projectRoot}/*.node'],
    metadata: metadata(`Builds the Node.js addon with napi build --platform${release ? ' --release' : ''}, caching the .node file and its bindings.`, 'napi build --help', { features: ['my-feature'] }),
  };
}

/**
 * `cargo run`, with its own executor and no batch implementation: a running
 * program streams its output live. Never cached, so `--configuration=release`
 * cannot serve a stale result.
 */
function runTarget(crate: CrateDescription): TargetConfiguration<CargoExecutorOptions> {
  const bin = crate.build.defaultBinary;
  return {
    executor: 'nx-cargo:run',
    cache: false,
    options: cargoOptions(crate, 'run', bin ? { bin } : {}),
    configurations: { release: { release: true } },
    metadata: metadata('Runs the crate\'s binary (cargo run); args go to the program.', 'cargo run --help', { args: ['--help'] }),
  };
}

/**
 * `cargo publish` for a crate cargo would publish, after the publish tasks of
 * the local crates it depends on: a registry refuses a crate whose
 * dependencies it does not have, and Nx does not start a task whose
 * dependency failed. Never cached: it talks to a registry.
 */
function releasePublishTarget(crate: CrateDescription): TargetConfiguration<ReleasePublishExecutorOptions> {
  return {
    executor: 'nx-cargo:release-publish',
    cache: false,
    dependsOn: [`^${RELEASE_PUBLISH_TARGET}`],
    options: { package: crate.cargo.package, cwd: crate.cargo.workspaceDir || '.' },
    metadata: metadata('Publishes the crate with cargo publish, after the local crates it depends on (run by nx release publish).', 'cargo publish --help', { registry: 'my-registry' }),
  };
}
