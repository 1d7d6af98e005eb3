import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { macroReadsOf, type MacroReadsOutcome } from './macro-reads.js';
import { buildRecorder, compileReads, processRole, readRecording, RecorderUnavailableError, type Classified } from './recorder/index.js';
import type { RustcCompile } from './rustc-args.js';
import { tempName, type StoreLayout } from './store/index.js';

/**
 * Recording what the proc macros of one compile read (recorder/README.md):
 * rustc runs with the recorder preloaded, and its log says what each macro
 * read. Only compiles that load a proc macro are recorded.
 */
export interface CompileRecording {
  /** What rustc's environment gets. */
  env: Record<string, string>;
  /** The macros' reads, or why they cannot be keyed; the log is removed. */
  reads(): Promise<MacroReadsOutcome>;
  discard(): Promise<void>;
}

/**
 * Whether rustc may run proc macros in this compile: whenever it has a
 * dependency. A macro rarely comes as an `--extern` of its own: serde,
 * thiserror and sqlx re-export theirs, and rustc finds the macro's library
 * through the facade's metadata (recording only compiles with an `.so`
 * extern let an edited .sqlx query file restore a stale crate). The
 * recorder costs under 1% of a cold build.
 */
export function mayLoadProcMacros(compile: RustcCompile): boolean {
  return compile.options.some((option) => option.flag === '--extern');
}

/** The recorder library of this process, built once (per store); undefined where it cannot be built. */
const libraries = new Map<string, Promise<string | undefined>>();
export function recorderLibrary(storeRoot: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let library = libraries.get(storeRoot);
  if (!library) {
    library = buildRecorder({ storeRoot, env }).catch((error: unknown) => {
      if (error instanceof RecorderUnavailableError) return undefined;
      throw error;
    });
    libraries.set(storeRoot, library);
  }
  return library;
}

/**
 * Starts a recording into a folder of the store's tmp/; or, when the build
 * is recorded as a whole already (nx-cargo-audit, strict inputs: cargo runs
 * with NX_CARGO_RECORD_DIR), into that folder, where this compile's logs are
 * told apart by its unit's `-C extra-filename` and left for the outer reader.
 */
export async function startRecording(library: string, paths: StoreLayout, env: NodeJS.ProcessEnv, compile: RustcCompile): Promise<CompileRecording> {
  const outer = env.NX_CARGO_RECORD_DIR;
  const dir = outer ?? path.join(paths.tmp, `${tempName()}-recording`);
  await mkdir(dir, { recursive: true });
  const discard = outer ? async () => undefined : () => rm(dir, { recursive: true, force: true });
  // The recorder stamps each process with CLOCK_REALTIME in ns.
  const started = BigInt(Date.now() - 1) * 1_000_000n;
  const unit = `extra-filename=${compile.extraFilename}`;
  return {
    env: { LD_PRELOAD: env.LD_PRELOAD?.includes(library) ? env.LD_PRELOAD : env.LD_PRELOAD ? `${library}:${env.LD_PRELOAD}` : library, NX_CARGO_RECORD_DIR: dir },
    async reads() {
      try {
        const ours = (await readRecording(dir)).filter((recorded) => processRole(recorded) === 'rustc' && (!outer || (recorded.argv.some((arg) => arg.endsWith(unit)) && recorded.startNs >= started)));
        // rustup's proxy and the toolchain's rustc are both rustc; only the one that loads macros has readers.
        const classified: Classified = { readers: ours.flatMap((recorded) => compileReads(recorded).readers), ignored: [] };
        return macroReadsOf(classified);
      } finally {
        await discard();
      }
    },
    discard,
  };
}
