/**
 * Who runs rustc for a wrapper call and passes its output to cargo. rustc
 * must be a child of the process cargo started, which holds cargo's
 * jobserver fds: the in-process wrapper runs it itself; the cache server
 * asks its client to.
 */
export interface RustcRunner {
  /** rustc with the call's own argv and output straight to cargo; resolves to its exit code. */
  passthrough(): Promise<number>;
  /** rustc with this argv (program first); output goes to cargo live and is also returned. */
  compile(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Stored output of a hit, written to cargo as rustc would have. */
  replay(stdout: string, stderr: string): Promise<void>;
  /**
   * Present when the process outlives the call (the cache server): work
   * that need not delay cargo, such as storing a finished compile, goes on
   * after the answer. Without it, the wrapper waits for that work.
   */
  defer?(work: Promise<void>): void;
}
