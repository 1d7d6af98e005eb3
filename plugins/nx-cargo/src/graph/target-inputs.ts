import { PROFILE_CHAIN, PROFILE_NAMES, type ProfileName } from '@nx-cargo/cargo-workspace';
import type { TargetConfiguration } from '@nx/devkit';
import type { CrateSources } from './crate-sources.js';
import type { InternalPluginOptions } from './options.js';
import type { CrateDescription } from './types.js';
import { inputsNodeName, profileInputsFile } from './workspace-inputs.js';

/** An entry of a target's or a named input's inputs, as Nx takes it. */
type InputDefinition = Exclude<NonNullable<TargetConfiguration['inputs']>[number], string>;

/*
 * The inputs of a crate's cargo tasks, following cargo's targets: a crate's
 * build (and check, clippy, doc) compiles its library, binaries and build
 * script; its tests add tests/, benches/ and examples/; a dependent compiles
 * against its dependencies' libraries only. The project's `default` named
 * input (nx.json's, as Nx resolves it) is narrowed to what a build reads, so
 * `^default` carries no dependency's tests to its dependents; where another
 * plugin's project shares the crate's folder, `default` stays as it is.
 */

export type Input = string | InputDefinition;

/** Named input holding a crate's own cargo inputs besides its files. */
export const CARGO_INPUT = 'cargo';
/**
 * Named input of all the crate's own files, tests and examples included, for
 * its own test and fmt targets. (Nx applies a target's negative patterns to
 * all of its own files, so a narrowed `default` and a list that adds tests/
 * back cannot stand in one target's inputs.)
 */
const CARGO_FILES_INPUT = 'cargo-files';
/** Folders of cargo's auto-discovered test, bench and example targets. */
const TEST_ONLY_FOLDERS = ['tests', 'benches', 'examples'];
/** Nx's `default` when nx.json does not define it. */
const NX_DEFAULT: Input[] = ['{projectRoot}/**/*'];

/** Environment variables that change what cargo and rustc produce. */
const CARGO_ENV_INPUTS = ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'RUSTDOCFLAGS', 'CARGO_BUILD_TARGET', 'RUSTC_BOOTSTRAP'];

/**
 * cargo's configuration through the environment (`CARGO_PROFILE_DEV_OPT_LEVEL`,
 * `CARGO_TARGET_<triple>_LINKER`, `CARGO_BUILD_RUSTFLAGS`, ...): too many names
 * for `env` inputs, so one command lists them. Where the target dir is does
 * not change what is built. The same command for every task: Nx runs it once.
 */
const CARGO_CONFIG_ENV = "env | grep -E '^CARGO_(PROFILE|BUILD|TARGET)_' | grep -vE '^CARGO_(BUILD_)?TARGET_DIR=' | sort || true";

/**
 * The crate project's named inputs: `cargo` (everything but source files
 * that changes a cargo task: cargo config, toolchain, flags in the
 * environment, its external closure named explicitly, since otherwise Nx
 * hashes every external node in the graph, and the node hashing the parts of
 * the workspace Cargo.toml and Cargo.lock that reach it), `cargo-files`, one
 * per profile, and the narrowed `default`. Per workspace they are the same
 * but for the crate's own nodes, so the shared parts are made once.
 */
export function cargoNamedInputs(crate: CrateDescription, nxJsonDefault: Input[] | undefined, options: InternalPluginOptions | undefined): Record<string, Input[]> {
  const files = [...(nxJsonDefault ?? NX_DEFAULT), ...napiOutputNegations(crate)];
  const named: Record<string, Input[]> = {
    [CARGO_INPUT]: [...sharedCargoInputs(crate.cargo.workspaceDir), { externalDependencies: ownExternals(crate, options) }, ...crate.declaredInputs],
    [CARGO_FILES_INPUT]: files,
  };
  if (!crate.build.shared) named.default = [...files, ...TEST_ONLY_FOLDERS.map((folder) => `!{projectRoot}/${folder}/**/*`)];
  const dir = crate.workspaceInputs.profilesOf;
  if (dir !== undefined && !omits(options, 'root-manifest')) {
    for (const profile of PROFILE_NAMES) named[profileInput(profile)] = profileInputs(dir)[profile];
  }
  return named;
}

/** Build outputs napi writes into the crate folder must not count as its inputs. */
function napiOutputNegations(crate: CrateDescription): string[] {
  if (!crate.build.napi) return [];
  return ['!{projectRoot}/*.node', ...(crate.build.napi.generatesBindings ? ['!{projectRoot}/index.js', '!{projectRoot}/index.d.ts'] : [])];
}

function ownExternals(crate: CrateDescription, options: InternalPluginOptions | undefined): string[] {
  return [...(omits(options, 'lockfile-closure') ? [] : crate.externalClosure), ...(omits(options, 'root-manifest') ? [] : [crate.workspaceInputs.crate])];
}

const sharedByWorkspace = new Map<string, Input[]>();
function sharedCargoInputs(workspaceDir: string): Input[] {
  let inputs = sharedByWorkspace.get(workspaceDir);
  if (!inputs) {
    const files = new Set<string>();
    for (const dir of new Set([workspaceDir, ''])) {
      const base = dir ? `{workspaceRoot}/${dir}` : '{workspaceRoot}';
      for (const file of ['.cargo/config.toml', '.cargo/config', 'rust-toolchain.toml', 'rust-toolchain']) files.add(`${base}/${file}`);
    }
    inputs = [...files, { runtime: workspaceDir ? `cd '${workspaceDir}' && rustc -vV` : 'rustc -vV' }, ...CARGO_ENV_INPUTS.map((env) => ({ env })), { runtime: CARGO_CONFIG_ENV }];
    sharedByWorkspace.set(workspaceDir, inputs);
  }
  return inputs;
}

/** What a target of one kind reads, besides the named inputs every cargo target lists. */
export type InputsKind = 'build' | 'test' | 'fmt' | 'clippy';

/**
 * A cargo target's inputs: the crate's own (narrowed for builds), the
 * local crates whose sources reach it (a dev-dependency reaches tests,
 * never builds), their declared inputs, and the profiles it builds with.
 */
export function targetInputs(crate: CrateDescription, kind: InputsKind, profile: ProfileName, options: InternalPluginOptions | undefined): Input[] {
  if (kind === 'fmt') return [CARGO_FILES_INPUT, CARGO_INPUT, ...rustfmtInputs(crate.cargo.workspaceDir)];
  const { sources, workspaceInputs } = crate;
  const withManifest = !omits(options, 'root-manifest');
  const isTest = kind === 'test';
  const own = isTest ? CARGO_FILES_INPUT : 'default';
  const dependencies = isTest ? dependencySources(sources.test, sources.declared.test) : dependencySources(sources.build, sources.declared.build);
  // The crates a crate's tests add (dev-dependencies): their parts of the workspace files, with those of their build closures.
  const testOnly = isTest && withManifest && workspaceInputs.devDependencies.length > 0 ? [{ externalDependencies: workspaceInputs.devDependencies }] : [];
  // A crate outside any workspace has its profiles in its own Cargo.toml.
  const profiles = workspaceInputs.profilesOf !== undefined && withManifest ? [profileInput(profile)] : [];
  return [own, CARGO_INPUT, ...dependencies, ...testOnly, ...profiles, ...(kind === 'clippy' ? clippyInputs(crate.cargo.workspaceDir) : [])];
}

/**
 * `^default` says it in a few bytes wherever no dev-dependency edge is in the
 * way; elsewhere the local crates are listed. Dependencies with declared
 * inputs add their whole `cargo` input.
 */
function dependencySources(projects: CrateSources['build'], declared: string[]): Input[] {
  return [
    ...(projects === 'any-edge' ? ['^default'] : projects.length > 0 ? [{ input: 'default', projects }] : []),
    ...(declared.length > 0 ? [{ input: CARGO_INPUT, projects: declared }] : []),
  ];
}

/** Clippy's own configuration: clippy.toml at the workspace root (the crate's own is among its files) and CLIPPY_CONF_DIR. */
function clippyInputs(workspaceDir: string): Input[] {
  const base = workspaceDir ? `{workspaceRoot}/${workspaceDir}` : '{workspaceRoot}';
  return [`${base}/clippy.toml`, `${base}/.clippy.toml`, { env: 'CLIPPY_CONF_DIR' }];
}

/** rustfmt's configuration at the workspace root (the crate's own is among its files). */
function rustfmtInputs(workspaceDir: string): Input[] {
  const base = workspaceDir ? `{workspaceRoot}/${workspaceDir}` : '{workspaceRoot}';
  return [`${base}/rustfmt.toml`, `${base}/.rustfmt.toml`];
}

/** The project's named input for a profile. */
function profileInput(profile: ProfileName): string {
  return `${CARGO_INPUT}-profile-${profile}`;
}

/** A profile's files (for affected) and nodes (for the hash), with the profiles it inherits, by workspace folder: 500 crates share a handful. */
const profileInputsByDir = new Map<string, Record<ProfileName, Input[]>>();
function profileInputs(dir: string): Record<ProfileName, Input[]> {
  let inputs = profileInputsByDir.get(dir);
  if (!inputs) {
    const of = (profile: ProfileName): Input[] => {
      const files = PROFILE_CHAIN[profile].map((name) => profileInputsFile(dir, name));
      return [...files.map((file) => `{workspaceRoot}/${file}`), { externalDependencies: files.map(inputsNodeName) }];
    };
    inputs = { dev: of('dev'), test: of('test'), release: of('release'), bench: of('bench') };
    profileInputsByDir.set(dir, inputs);
  }
  return inputs;
}

function omits(options: InternalPluginOptions | undefined, input: NonNullable<InternalPluginOptions['testOnlyOmitInputs']>[number]): boolean {
  return options?.testOnlyOmitInputs?.includes(input) ?? false;
}
