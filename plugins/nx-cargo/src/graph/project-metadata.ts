import type { DependencyKind } from '@nx-cargo/cargo-workspace';

/** What createNodes records on each crate's project for createDependencies to read back. */
export interface CargoProjectMetadata {
  package: string;
  manifestFile: string;
  workspaceDir: string;
  pathDependencies: Array<{ dir: string; kind: DependencyKind }>;
  /** External node names of the crate's direct external dependencies. */
  externalDependencies: string[];
  /** Library and binary targets: what `cargo build -p <package>` must produce for the task to succeed. */
  buildTargets: Array<{ name: string; kind: string[] }>;
  /** Whether cargo would publish it (a version, and `publish` not false or []): such crates get `nx-release-publish`. */
  publishable: boolean;
}
