/**
 * Who runs rustc for a wrapper call and passes its output to cargo. rustc
 * must be a child of the process cargo started, which holds cargo's
 * jobserver fds: the in-process wrapper runs it itself; the cache server
 * asks its client to.
 */
export interface RustcRunner {
  /** rustc with the call's own argv and output straight to cargo; resolves to its exit code. */
  passthrough(): Promise<number>;
  /** rustc with this argv (program first) and `env` added; output goes to cargo live and is also returned. */
  compile(argv: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Stored output of a hit, written to cargo as rustc would have. */
  replay(stdout: string, stderr: string): Promise<void>;
  /**
   * Present when the process outlives the call (the cache server): storing
   * a finished compile goes on after cargo has its answer. Without it, the
   * wrapper waits for that work.
   */
  defer?(work: Promise<NotStored | undefined>): void;
}

/** A compile that could not be stored, and whether the event log has it (a full disk may refuse even that). */
export interface NotStored {
  crate: string;
  reason: string;
  logged: boolean;
}
