/** What a kind of crate writes besides the [package] table. */
export interface CrateTemplate {
  /** The manifest's tables after [package]. */
  manifestTables: string;
  /** Files by path in the crate folder. */
  files: Record<string, string>;
}
