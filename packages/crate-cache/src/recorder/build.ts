import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorCode, errorMessage, exists, install, unlinkIfExists } from '../fs-util.js';
import { glibcVersion } from '../glibc.js';
import { hashBuffer } from '../hash.js';
import { StoreLayout } from '../store/index.js';

const run = promisify(execFile);

/** The C source, shipped in the package (`files`) beside `dist/`. */
export const RECORDER_SOURCE = join(__dirname, '..', '..', 'recorder', 'recorder.c');

/**
 * `-U_FORTIFY_SOURCE`: distributions that enable fortification by default
 * would turn open() into an inline wrapper that clashes with the definitions.
 * `-ldl` for glibc before 2.34, where dlsym and dladdr live in libdl.
 */
const FLAGS = ['-shared', '-fPIC', '-O2', '-U_FORTIFY_SOURCE'];
const LIBS = ['-ldl'];

export type RecorderUnavailableReason = 'not-linux' | 'not-glibc' | 'no-compiler' | 'compile-failed' | 'io';

/**
 * Why the recorder cannot be used here. The caller says so once and builds
 * without recording.
 */
export class RecorderUnavailableError extends Error {
  readonly reason: RecorderUnavailableReason;
  readonly file: string;

  constructor(reason: RecorderUnavailableReason, file: string, detail: string, options?: { cause?: unknown }) {
    super(`${file}: recorder unavailable (${reason}): ${detail}`, options);
    this.name = new.target.name;
    this.reason = reason;
    this.file = file;
  }
}

export interface BuildRecorderOptions {
  /** The crate-cache store root; the library goes to `<root>/tools/`. */
  storeRoot: string;
  /** The C compiler to run (default `cc`, the one rustc links with). */
  compiler?: string;
  /** Environment for the compiler (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The path of the recorder library for this machine, compiled on first use
 * into `<storeRoot>/tools/recorder-<hash>.so`, the hash covering the source,
 * the flags, the CPU architecture and the glibc version. Concurrent callers
 * may both compile; each renames a finished file into place, so a reader
 * never sees a partial library. Throws `RecorderUnavailableError`.
 */
export async function buildRecorder(options: BuildRecorderOptions): Promise<string> {
  if (process.platform !== 'linux') {
    throw new RecorderUnavailableError('not-linux', RECORDER_SOURCE, `LD_PRELOAD recording needs Linux, this is ${process.platform}`);
  }
  const glibc = glibcVersion();
  if (!glibc) throw new RecorderUnavailableError('not-glibc', RECORDER_SOURCE, 'the C library is not glibc (musl?)');

  let source: Buffer;
  try {
    source = await readFile(RECORDER_SOURCE);
  } catch (error) {
    throw new RecorderUnavailableError('io', RECORDER_SOURCE, errorMessage(error), { cause: error });
  }
  const identity = [hashBuffer(source), FLAGS.join(' '), LIBS.join(' '), process.arch, glibc].join('\n');
  const tools = join(options.storeRoot, 'tools');
  const library = join(tools, `recorder-${hashBuffer(Buffer.from(identity)).slice(0, 16)}.so`);
  if (await exists(library)) return library;

  const layout = new StoreLayout(options.storeRoot);
  const temp = layout.temp();
  try {
    await mkdir(layout.tmp, { recursive: true });
    await mkdir(tools, { recursive: true });
  } catch (error) {
    throw new RecorderUnavailableError('io', tools, errorMessage(error), { cause: error });
  }
  const compiler = options.compiler ?? 'cc';
  try {
    // The compiler must not record itself when this process is being recorded.
    const env = { ...(options.env ?? process.env) };
    delete env.LD_PRELOAD;
    delete env.NX_CARGO_RECORD_DIR;
    await run(compiler, [...FLAGS, '-o', temp, RECORDER_SOURCE, ...LIBS], { env });
  } catch (error) {
    await unlinkIfExists(temp);
    if (errorCode(error) === 'ENOENT') {
      throw new RecorderUnavailableError('no-compiler', RECORDER_SOURCE, `no C compiler: ${compiler} is not on PATH`, { cause: error });
    }
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new RecorderUnavailableError('compile-failed', RECORDER_SOURCE, `${compiler} failed: ${stderr || errorMessage(error)}`, { cause: error });
  }
  try {
    await install(temp, library);
  } catch (error) {
    throw new RecorderUnavailableError('io', library, errorMessage(error), { cause: error });
  }
  return library;
}
