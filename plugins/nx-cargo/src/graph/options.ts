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
}

/** The option entry that applies to a crate: its folder wins over its name. */
export function projectOverride(options: NxCargoPluginOptions | undefined, name: string, dir: string): string | false | undefined {
  const projects = options?.projects ?? {};
  return projects[dir || '.'] ?? projects[name];
}
