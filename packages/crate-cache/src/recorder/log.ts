/**
 * Parses what the recorder library (`recorder/recorder.c`) writes: one file
 * per process image, a header line, then one line per event. Pure: bytes in,
 * typed events out. The format is described in `recorder/README.md`.
 */

export const FORMAT = 'nxrec1';

/** A line the recorder cut at its size limit ends with this raw field. */
const CUT_MARKER = '\\!';

export type PathResult = 'found' | 'absent' | 'error';

interface EventBase {
  /** The libc entry point that saw the call (`getenv`, `open64`, `statx`, `syscall:statx`, …). */
  op: string;
  /**
   * The object the call came from when it was loaded after the process
   * started (a proc macro `.so` that rustc dlopened); undefined for the
   * program itself; `?` when the address could not be placed.
   */
  object?: string;
  /** The line was cut at the recorder's size limit: the last field (a path, argv) is incomplete. */
  truncated: boolean;
}

export interface EnvEvent extends EventBase {
  kind: 'env';
  name: string;
  result: 'found' | 'absent';
}

interface PathEventBase extends EventBase {
  /** Absolute, with `.` segments and repeated slashes removed (`..` kept: it follows symlinks). */
  path: string;
  result: PathResult;
  /** Set when `result` is `error`. */
  errno?: number;
}

/** How an open used the file. */
export interface FileAccess {
  read: boolean;
  write: boolean;
  /** O_DIRECTORY: a directory handle, not a file's content. */
  directory: boolean;
  /** O_PATH: a handle to the name only, nothing read. */
  pathOnly: boolean;
}

export interface OpenEvent extends PathEventBase {
  kind: 'open';
  access: FileAccess;
}

/** stat family, access, realpath: the path's existence or metadata. */
export interface StatEvent extends PathEventBase {
  kind: 'stat';
}

/** opendir/fdopendir: a directory listing. */
export interface ReaddirEvent extends PathEventBase {
  kind: 'readdir';
}

/** execve, execvp, posix_spawn and the like: recorded before the call, so no result. */
export interface ExecEvent extends EventBase {
  kind: 'exec';
  /** As passed: a path, or a name that execvp/posix_spawnp looks up in PATH. */
  program: string;
  argv: string[];
}

export type RecordedEvent = EnvEvent | OpenEvent | StatEvent | ReaddirEvent | ExecEvent;

/** One process image (an exec starts a new one with the same pid). */
export interface RecordedProcess {
  /** The log's file name inside the recording directory. */
  file: string;
  pid: number;
  ppid: number;
  /** Wall-clock start in ns: orders the images of one pid. */
  startNs: bigint;
  /** /proc/self/exe. */
  exe: string;
  cwd: string;
  /** Those of CARGO_PKG_NAME, CARGO_MANIFEST_DIR, OUT_DIR, RUSTC, RUSTC_WRAPPER, RUSTC_WORKSPACE_WRAPPER that were set. */
  context: Record<string, string>;
  argv: string[];
  events: RecordedEvent[];
  /** The last line had no newline (the process died mid-write, or is still running): it was dropped. */
  incomplete: boolean;
}

/** A recorder log that does not parse: names the file, the line and why. */
export class RecordingFormatError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = new.target.name;
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

const ESCAPE = /\\(\\|t|n|x[0-9a-f]{2})/g;

function unescape(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(ESCAPE, (_, code: string) => {
    if (code === '\\') return '\\';
    if (code === 't') return '\t';
    if (code === 'n') return '\n';
    return String.fromCharCode(parseInt(code.slice(1), 16));
  });
}

/** Removes `.` segments and repeated or trailing slashes; keeps `..`, which the kernel resolves after symlinks. */
export function cleanPath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const joined = parts.join('/');
  return path.startsWith('/') ? `/${joined}` : joined || '.';
}

/** Parses one process's log. `file` names it in errors and in the result. */
export function parseProcessLog(file: string, data: Buffer | string): RecordedProcess {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const lines = text.split('\n');
  // A complete log ends with a newline, leaving an empty last element.
  const incomplete = lines.pop() !== '';
  if (lines.length === 0) throw new RecordingFormatError(file, 1, 'no header line');
  const process = parseHeader(file, lines[0].split('\t'));
  process.incomplete = incomplete;
  for (let i = 1; i < lines.length; i++) {
    process.events.push(parseEvent(file, i + 1, lines[i].split('\t')));
  }
  return process;
}

function parseHeader(file: string, raw: string[]): RecordedProcess {
  if (raw[0] !== FORMAT) {
    throw new RecordingFormatError(file, 1, `not a recorder log: expected ${FORMAT}, found ${JSON.stringify(raw[0]?.slice(0, 20))}`);
  }
  if (raw.length < 7) throw new RecordingFormatError(file, 1, `header has ${raw.length} fields, expected at least 7`);
  const fields = raw.map(unescape);
  const pid = integer(file, 1, 'pid', fields[1]);
  const ppid = integer(file, 1, 'parent pid', fields[2]);
  if (!/^\d+$/.test(fields[3])) throw new RecordingFormatError(file, 1, `start time ${JSON.stringify(fields[3])} is not a number`);
  const contextCount = integer(file, 1, 'context count', fields[6]);
  if (raw.length < 7 + contextCount) {
    throw new RecordingFormatError(file, 1, `header announces ${contextCount} context variables but has ${raw.length - 7} more fields`);
  }
  const context: Record<string, string> = {};
  for (const entry of fields.slice(7, 7 + contextCount)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new RecordingFormatError(file, 1, `context entry ${JSON.stringify(entry)} is not NAME=VALUE`);
    context[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return {
    file,
    pid,
    ppid,
    startNs: BigInt(fields[3]),
    exe: fields[4],
    cwd: fields[5],
    context,
    argv: fields.slice(7 + contextCount),
    events: [],
    incomplete: false,
  };
}

function integer(file: string, line: number, what: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new RecordingFormatError(file, line, `${what} ${JSON.stringify(value)} is not a number`);
  return Number(value);
}

function parseEvent(file: string, line: number, raw: string[]): RecordedEvent {
  const truncated = raw.length > 0 && raw[raw.length - 1] === CUT_MARKER;
  if (truncated) raw = raw.slice(0, -1);
  if (raw.length < 5) throw new RecordingFormatError(file, line, `event has ${raw.length} fields, expected at least 5`);
  const [kind, op, who, result, subject, ...extra] = raw.map(unescape);
  const base: EventBase = who === '' ? { op, truncated } : { op, object: who, truncated };
  switch (kind) {
    case 'env':
      if (result !== 'found' && result !== 'absent') throw new RecordingFormatError(file, line, `env result ${JSON.stringify(result)}`);
      return { kind, ...base, name: subject, result };
    case 'open':
      return { kind, ...base, ...pathResult(file, line, subject, result), access: parseAccess(file, line, extra[0]) };
    case 'stat':
    case 'readdir':
      return { kind, ...base, ...pathResult(file, line, subject, result) };
    case 'exec':
      return { kind, ...base, program: subject, argv: extra };
    default:
      throw new RecordingFormatError(file, line, `unknown event kind ${JSON.stringify(kind)}`);
  }
}

function pathResult(file: string, line: number, path: string, result: string): Pick<PathEventBase, 'path' | 'result' | 'errno'> {
  const cleaned = cleanPath(path);
  if (result === 'found' || result === 'absent') return { path: cleaned, result };
  const match = /^error:(\d+)$/.exec(result);
  if (!match) throw new RecordingFormatError(file, line, `path result ${JSON.stringify(result)}`);
  return { path: cleaned, result: 'error', errno: Number(match[1]) };
}

function parseAccess(file: string, line: number, code: string | undefined): FileAccess {
  if (code === undefined || !/^(p|r|w|rw)d?$/.test(code)) {
    throw new RecordingFormatError(file, line, `open access ${JSON.stringify(code)}`);
  }
  const pathOnly = code === 'p';
  return {
    read: code.startsWith('r'),
    write: code.includes('w'),
    directory: code.endsWith('d'),
    pathOnly,
  };
}
