export interface CargoExecutorOptions {
  /** The cargo subcommand. */
  command: 'build' | 'check' | 'test' | 'clippy' | 'fmt' | 'doc' | 'run';
  /** The package to act on (`-p`). */
  package: string;
  /** Folder to run cargo in, relative to the Nx workspace root: the crate's Cargo workspace root. */
  cwd: string;
  release?: boolean;
  profile?: string;
  features?: string[] | string;
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  /** Target triple (`--target`); `.` (the default of build targets) builds for the host without `--target`. */
  target?: string;
  /** Binary for `run`. */
  bin?: string;
  /**
   * Folder under the target dir where this profile's artifacts land (`debug`
   * for dev and test, `release` for release and bench, else the profile's
   * name); only the outputs use it.
   */
  profileDir?: string;
  /**
   * The rustc cache under cargo: `auto` (kache on PATH, else the built-in
   * one), `kache`, `builtin` or `off` (none added). A RUSTC_WRAPPER the user
   * set is always kept.
   */
  crateCache?: 'auto' | 'kache' | 'builtin' | 'off';
  /**
   * Records what the build reads (proc macros, build scripts, the programs
   * they run, rustc's dep-info) and fails the task when it read something
   * the task's inputs do not cover, with nx-cargo-audit's message. Also on
   * for every task when NX_CARGO_STRICT_INPUTS=1. build, check, test and
   * clippy only.
   */
  strictInputs?: boolean;
  /**
   * What runs a `test` task's tests: `cargo` (`cargo test`, the default) or
   * `nextest` (`cargo nextest run`, which cargo-nextest must provide).
   */
  testRunner?: 'cargo' | 'nextest';
  /** nextest's profile (`--profile`, from `.config/nextest.toml`); `default` unless set. */
  nextestProfile?: string;
  /** nextest's `--partition` (`count:1/2`, `hash:2/3`, `slice:1/4`): this task runs its part of the crate's tests. */
  partition?: string;
  /**
   * Where nextest writes the task's JUnit report, relative to the Nx
   * workspace root (a cached output of inferred test targets); none unless set.
   */
  junitFile?: string;
  /** Extra arguments for cargo; for `run`, the program's own arguments (after `--`). */
  args?: string[] | string;
}
