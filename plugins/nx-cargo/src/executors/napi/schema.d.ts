export interface NapiExecutorOptions {
  /** The napi-rs package folder (where its package.json and Cargo.toml are), relative to the Nx workspace root. */
  cwd: string;
  release?: boolean;
  features?: string[] | string;
  /** Target triple (`--target`). */
  target?: string;
  /** Extra arguments passed to `napi build` as they are, except flags that write outside the package folder. */
  args?: string[] | string;
}
