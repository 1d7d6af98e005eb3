import { buildRecorder, defaultStoreRoot, readRecording, RecorderUnavailableError, type RecordedProcess } from '@nx-cargo/crate-cache';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A recorded cargo run (packages/crate-cache/recorder): cargo gets the
 * recorder preloaded and a folder to log into, so cargo, every rustc (with
 * the proc macros it loads), every build script and every program they
 * start log what they read. With the crate cache under cargo, its client
 * passes both variables on to the rustc it starts on a miss.
 */
export interface BuildRecording {
  /** Variables to add to cargo's environment. */
  env: Record<string, string>;
  /** Every process's log, once cargo has ended. */
  processes(): Promise<RecordedProcess[]>;
  /** Removes the logs. */
  dispose(): Promise<void>;
}

/** Why a build runs unrecorded. */
export interface RecordingOff {
  off: string;
}

/**
 * Test-only: `off` runs the build unrecorded, as a machine without the
 * recorder would, so a test can show which findings need the recording.
 */
export const TEST_RECORD_SWITCH = 'NX_CARGO_AUDIT_TEST_RECORD';

/** Prepares a recorded build; the recorder is compiled on first use into the crate cache's store (`tools/`). */
export async function startBuildRecording(env: NodeJS.ProcessEnv): Promise<BuildRecording | RecordingOff> {
  if (env[TEST_RECORD_SWITCH] === 'off') return { off: `recording switched off (${TEST_RECORD_SWITCH}=off)` };
  let library: string;
  try {
    library = await buildRecorder({ storeRoot: defaultStoreRoot(env), env });
  } catch (error) {
    if (error instanceof RecorderUnavailableError) return { off: `the recorder is unavailable here (${error.reason}): ${error.message}` };
    throw error;
  }
  const dir = await mkdtemp(join(tmpdir(), 'nx-cargo-recording-'));
  const preload = env.LD_PRELOAD ? `${library}:${env.LD_PRELOAD}` : library;
  return {
    env: { LD_PRELOAD: preload, NX_CARGO_RECORD_DIR: dir },
    processes: () => readRecording(dir),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export function isRecordingOff(recording: BuildRecording | RecordingOff): recording is RecordingOff {
  return 'off' in recording;
}
