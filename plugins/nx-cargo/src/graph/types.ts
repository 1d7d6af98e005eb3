import type { CreateNodesResult, ProjectGraphExternalNode } from '@nx/devkit';
import type { DeclaredInput } from './declared-inputs.js';
import type { CrateSources } from './crate-sources.js';
import type { CargoProjectMetadata } from './project-metadata.js';

/*
 * What the graph pipeline hands from stage to stage: describe.ts reads the
 * Cargo files into CrateDescriptions (hashing the workspace files' parts on
 * the way), project-configuration.ts turns them into Nx projects.
 */

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
  /** A package.json or project.json in the crate's folder: another plugin's project merges into the crate's. */
  shared: boolean;
}

/**
 * External nodes that stand for the workspace files' parts (see
 * workspace-inputs.ts): the crate's, whose hash covers its own part and
 * those of the crates its build compiles against; those of its
 * dev-dependencies, which its tests add; and, in a Cargo workspace, its root
 * folder, whose profile nodes the targets name.
 */
export interface CrateWorkspaceInputs {
  crate: string;
  devDependencies: string[];
  profilesOf?: string;
}

/** What one crate's project is made from: small, so a cached graph loads fast. */
export interface CrateDescription {
  projectName: string;
  manifestFile: string;
  /** Nx external node names of the crate's transitive external closure. */
  externalClosure: string[];
  cargo: CargoProjectMetadata;
  build: CrateBuild;
  sources: CrateSources;
  /** Inputs the user declared for the crate. */
  declaredInputs: DeclaredInput[];
  workspaceInputs: CrateWorkspaceInputs;
  /** The crate node's hash. */
  inputsHash: string;
}

/** A file the sync generator writes: the text the node of the same name hashes. */
export interface InputsFile {
  path: string;
  text: string;
}

/** Everything createNodes derives from the Cargo files, and the problems to tell the user about. */
export interface CargoGraph {
  crates: CrateDescription[];
  externalNodes: Record<string, ProjectGraphExternalNode>;
  /** Hashes of the profile nodes, by inputs file (the crates' are on the crates): their nodes are made when the graph is handed to Nx. */
  profileHashes: Record<string, string>;
  /** The files `nx sync` keeps, one per crate and one per workspace and profile; not kept in the graph cache. */
  inputsFiles?: InputsFile[];
  warnings: string[];
}

export type CreateNodesResults = Array<readonly [string, CreateNodesResult]>;
