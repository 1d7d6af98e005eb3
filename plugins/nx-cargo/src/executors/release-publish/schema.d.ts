export interface ReleasePublishExecutorOptions {
  /** The crate's package name (`cargo publish -p`). */
  package: string;
  /** Its Cargo workspace root (where cargo runs), relative to the Nx workspace root. */
  cwd: string;
  /** A registry named in cargo's configuration (`[registries.<name>]`); cargo's default (crates.io) when absent. `nx release publish --registry` sets it. */
  registry?: string;
  /** Package and verify, upload nothing (`cargo publish --dry-run`); `nx release publish --dry-run` sets it. */
  dryRun?: boolean;
  /** Extra arguments passed to `cargo publish` as they are, e.g. `--no-verify`. */
  args?: string[] | string;
}
