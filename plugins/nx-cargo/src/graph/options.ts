/** Plugin options, as written under the plugin's entry in nx.json. */
export interface NxCargoPluginOptions {
  /**
   * Per crate, keyed by package name or by its folder: a string gives the Nx
   * project another name, `false` leaves the crate out of the graph.
   */
  projects?: Record<string, string | false>;
  /**
   * Per crate, keyed by folder or package name: inputs Cargo cannot see
   * (file patterns, `{ "env": "NAME" }`, `{ "runtime": "command" }`), added
   * to every cargo task of the crate. `[package.metadata.nx] inputs` in the
   * crate's Cargo.toml does the same.
   */
  inputs?: Record<string, unknown[]>;
  /** Names of the inferred targets, as @nx/vite and @nx/gradle let them be chosen (defaults: build, build-release, ...). */
  buildTargetName?: string;
  buildReleaseTargetName?: string;
  checkTargetName?: string;
  testTargetName?: string;
  testReleaseTargetName?: string;
  clippyTargetName?: string;
  fmtTargetName?: string;
  docTargetName?: string;
  runTargetName?: string;
}

export type TargetNameOption = Extract<keyof NxCargoPluginOptions, `${string}TargetName`>;

/** Options the plugin reads that are not part of its public interface. */
export interface InternalPluginOptions extends NxCargoPluginOptions {
  /**
   * What runs the crates' tests: `cargo` (`cargo test`, the default) or
   * `nextest` (`cargo nextest run`): test targets then read the workspace's
   * .config/nextest.toml (an input) and cache one JUnit report per task.
   */
  testRunner?: 'cargo' | 'nextest';
  /**
   * FOR TESTS ONLY, never for real workspaces: leaves inputs out of every
   * cargo task, so that a test can show its assertions fail without them
   * (a negative control). `lockfile-closure`: the crate's external closure
   * from Cargo.lock; `root-manifest`: the parts of the workspace Cargo.toml
   * (profiles, inherited fields and dependencies, [patch]) and their files.
   * Tasks then get false cache hits.
   */
  testOnlyOmitInputs?: Array<'lockfile-closure' | 'root-manifest'>;
}

/** The option entry that applies to a crate: its folder wins over its name. */
export function projectOverride(options: NxCargoPluginOptions | undefined, name: string, dir: string): string | false | undefined {
  const projects = options?.projects ?? {};
  return projects[dir || '.'] ?? projects[name];
}

/** The plugin's name in nx.json's plugins. */
export const PLUGIN_NAME = 'nx-cargo';

/** The options of nx-cargo's entry among nx.json's plugins (`{ plugin: 'nx-cargo', options }`), as createNodes gets them. */
export function pluginOptionsIn(nxJson: { plugins?: unknown[] } | undefined): NxCargoPluginOptions | undefined {
  for (const entry of nxJson?.plugins ?? []) {
    if (typeof entry === 'object' && entry !== null && (entry as { plugin?: unknown }).plugin === PLUGIN_NAME) return (entry as { options?: NxCargoPluginOptions }).options;
  }
  return undefined;
}
