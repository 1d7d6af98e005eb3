export interface CrateGeneratorSchema {
  /** The Cargo package name. */
  name: string;
  /** Folder of the new crate, relative to the workspace root; `crates/<name>` when absent. */
  directory?: string;
  /** A napi-rs crate (a Node.js native addon) instead of a plain library. */
  napi?: boolean;
}
