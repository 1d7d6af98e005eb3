import { posix } from 'node:path';
import { plural } from '../messages.js';

/** A program a build script or proc macro ran, as the audit saw it. */
export interface ProgramRun {
  /** argv as passed, paths under the Nx root made relative to `cwd`. */
  argv: string[];
  /** Workspace-relative folder it ran in ('' at the root); undefined outside the workspace. */
  cwd?: string;
  /** Its arguments name the build's own output (OUT_DIR, the target dir): it cannot be rerun as a task input. */
  usesBuildOutput: boolean;
  /** Workspace-relative files it (or a program it ran) read. */
  reads: string[];
  /** Workspace-relative folders it (or a program it ran) listed. */
  listings: string[];
}

/** One thing a build read: a file or folder listing inside the Nx workspace, an environment variable, or a program it ran. */
export interface Read {
  kind: 'file' | 'env' | 'dir' | 'program';
  /** A file's or folder's workspace-relative path, a variable's name, or a program's command line. */
  subject: string;
  /** For a variable: its value during the audited build, when known. */
  value?: string;
  /** For a variable: the build found it unset. */
  unset?: boolean;
  /** For a file: it did not exist when the build looked for it. */
  absent?: boolean;
  /** For a variable: the cargo config file whose `[env]` table gave it its value (workspace-relative). */
  setBy?: string;
  /** For a program: how it ran. */
  program?: ProgramRun;
  /** Workspace-relative folder of the crate whose compilation or build script read it ('' at the root). */
  reader: string;
  /** That crate's package name; '' for what cargo itself reads in its workspace (manifests, lock file, config). */
  readerPackage: string;
  /** The reader is a registry or git crate, not one of the workspace's. */
  external?: boolean;
  /**
   * How: `include_str!`, `env!`, `module source` (rustc's dep-info), `proc macro <name>`,
   * `build script`, `build script rerun-if-changed`, `` `<command>` run by the build script ``, ...
   */
  via: string;
}

/** The task audited. */
export interface AuditSubject {
  project: string;
  target: string;
  /** Its crate's package name and manifest, workspace-relative. */
  package: string;
  manifestFile: string;
}

/**
 * How a read stands against the task's inputs: covered; not declared; or
 * declared by a pattern, but missing from the files Nx hashes (an ignored
 * file, which no declaration can bring in).
 */
export type Coverage = 'covered' | 'undeclared' | 'not-hashed';

/** An entry of `[package.metadata.nx] inputs`. */
export type InputDeclaration = string | { env: string } | { runtime: string };

export interface Finding {
  kind: Read['kind'];
  subject: string;
  value?: string;
  status: Exclude<Coverage, 'covered'>;
  readers: Array<{ crate: string; package: string; via: string; external?: boolean }>;
  /** The entry to add to `[package.metadata.nx] inputs`, and where (absent for `not-hashed`). */
  fix?: { manifestFile: string; input: InputDeclaration };
  message: string;
}

export interface AuditReport {
  project: string;
  target: string;
  checked: { files: number; env: number; programs?: number };
  uncovered: Finding[];
  /** The reads the task's inputs cover, with their readers: what else the build was seen to read. */
  covered: Array<Pick<Finding, 'kind' | 'subject' | 'readers'>>;
}

/**
 * The reads the task's inputs miss, one finding per file, listing, variable
 * or program (all its readers named), each with the fix. A fix always goes
 * to the audited crate's manifest, also for a read by a dependency: that is
 * what puts it in this task's hash.
 */
export function auditReport(subject: AuditSubject, reads: readonly Read[], coverage: (read: Read) => Coverage): AuditReport {
  const grouped = new Map<string, { read: Read; status: Coverage; readers: Finding['readers'] }>();
  const checked = { files: new Set<string>(), env: new Set<string>(), programs: new Set<string>() };
  for (const read of reads) {
    (read.kind === 'env' ? checked.env : read.kind === 'program' ? checked.programs : checked.files).add(`${read.kind}:${read.subject}`);
    const key = `${read.kind}:${read.subject}`;
    let group = grouped.get(key);
    if (!group) {
      group = { read, status: coverage(read), readers: [] };
      grouped.set(key, group);
    }
    const known = group.readers.find((reader) => reader.crate === read.reader && reader.package === read.readerPackage);
    if (!known) group.readers.push({ crate: read.reader, package: read.readerPackage, via: read.via, ...(read.external ? { external: true } : {}) });
    else if (!known.via.split(', ').includes(read.via)) known.via = `${known.via}, ${read.via}`;
  }
  const uncovered: Finding[] = [];
  const covered: AuditReport['covered'] = [];
  for (const { read, status, readers } of grouped.values()) {
    if (status === 'covered') {
      covered.push({ kind: read.kind, subject: read.subject, readers });
      continue;
    }
    const input = status === 'undeclared' ? declarationFor(read) : undefined;
    const finding: Finding = {
      kind: read.kind,
      subject: read.subject,
      ...(read.value !== undefined ? { value: read.value } : {}),
      status,
      readers,
      ...(input !== undefined ? { fix: { manifestFile: subject.manifestFile, input } } : {}),
      message: '',
    };
    finding.message = describe(subject, finding, read);
    uncovered.push(finding);
  }
  const order: Read['kind'][] = ['file', 'dir', 'env', 'program'];
  const byKindAndSubject = (a: { kind: Read['kind']; subject: string }, b: { kind: Read['kind']; subject: string }) =>
    a.kind === b.kind ? a.subject.localeCompare(b.subject) : order.indexOf(a.kind) - order.indexOf(b.kind);
  uncovered.sort(byKindAndSubject);
  covered.sort(byKindAndSubject);
  const programs = checked.programs.size;
  return {
    project: subject.project,
    target: subject.target,
    checked: { files: checked.files.size, env: checked.env.size, ...(programs > 0 ? { programs } : {}) },
    uncovered,
    covered,
  };
}

/**
 * The input that puts a read into the task hash: the file; every file below
 * a listed folder (a new entry is a new file Nx hashes); the variable; a
 * program's command, run where it ran, as a `runtime` input.
 */
export function declarationFor(read: Read): InputDeclaration | undefined {
  switch (read.kind) {
    case 'file':
      return `{workspaceRoot}/${read.subject}`;
    case 'dir':
      return `{workspaceRoot}/${read.subject === '' ? '' : `${read.subject}/`}**/*`;
    case 'env':
      return { env: read.subject };
    case 'program':
      return read.program && !read.program.usesBuildOutput && read.program.cwd !== undefined ? { runtime: runtimeCommand(read.program) } : undefined;
  }
}

/**
 * The files whose declaration can stand for a program: what it read in the
 * workspace, when it read something, listed no folder and read nothing
 * under `.git` (which Nx never hashes). Undefined when only its command can.
 */
export function filesInstead(program: ProgramRun): string[] | undefined {
  if (program.reads.length === 0 || program.listings.length > 0 || program.reads.some((path) => /(^|\/)\.git(\/|$)/.test(path))) return undefined;
  return program.reads;
}

/** A program's command line as a shell runs it: `git rev-parse HEAD`, `sh -c 'echo hi'`. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The command that reruns a program where it ran (Nx runs `runtime` inputs at the workspace root). */
export function runtimeCommand(program: ProgramRun): string {
  const command = commandLine(program.argv);
  return program.cwd ? `cd ${shellQuote(program.cwd)} && ${command}` : command;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** How a reader read something, in words: `proc macro greet_macros while compiling app`, `the build script of configured (a dependency of app)`. */
function readerPhrase(subject: AuditSubject, reader: Finding['readers'][number], via: string): string {
  if (reader.package === '') return `cargo (${via})`;
  const crate = (...notes: string[]) => {
    const all = [...(reader.package === subject.package && !reader.external ? [] : [`a${reader.external ? ' registry' : ''} dependency of ${subject.package}`]), ...notes];
    return all.length === 0 ? reader.package : `${reader.package} (${all.join(', ')})`;
  };
  const ranBy = / run by (the build script|proc macro \S+)$/.exec(via);
  if (ranBy) {
    const command = via.slice(0, ranBy.index);
    return `${command}, run by ${ranBy[1] === 'the build script' ? `the build script of ${crate()}` : `${ranBy[1]} while compiling ${crate()}`}`;
  }
  if (via === 'build script') return `the build script of ${crate()}`;
  if (via.startsWith('build script ')) return `the build script of ${crate(via.slice('build script '.length))}`;
  return `${DEP_INFO_WORDS[via] ?? via} while compiling ${crate()}`;
}

/** rustc's own reads, as dep-info records them, in words. */
const DEP_INFO_WORDS: Record<string, string> = {
  'module source': 'rustc (a module source)',
  'read at compile time': 'rustc',
  'recorded by the compiler': 'rustc',
};

function describe(subject: AuditSubject, finding: Finding, read: Read): string {
  const phrases = finding.readers.flatMap((reader) => reader.via.split(', ').map((via) => readerPhrase(subject, reader, via)));
  const task = `${subject.project}:${subject.target}`;
  const what = subjectWords(read);
  const verb = read.kind === 'program' ? 'run' : 'read';
  const head = `${what}, ${verb} by ${phrases.join(' and by ')},`;
  if (finding.status === 'not-hashed') {
    return `${head} is named by ${task}'s inputs, but Nx does not hash it (is it ignored by .gitignore or .nxignore?): stop ignoring it, so that a change to it changes the task hash`;
  }
  const fix = finding.fix ? `add ${tomlInput(finding.fix.input)} to [package.metadata.nx] inputs in ${subject.manifestFile}` : programAdvice(read);
  const files = read.program && finding.fix ? filesInstead(read.program) : undefined;
  const alternative = files ? ` (or, if its output follows from the files it reads alone, declare those: ${files.join(', ')})` : '';
  return `${head} is not among ${task}'s inputs: ${fix}${alternative}${rerunHint(finding)}`;
}

/**
 * For a workspace crate's build script that read a file or variable without
 * a rerun-if line for it: the line to print, since a task-cache miss alone
 * does not make cargo rerun the script in a kept target folder.
 */
function rerunHint(finding: Finding): string {
  if (finding.kind !== 'file' && finding.kind !== 'env') return '';
  const lines = finding.readers.flatMap((reader) => {
    const vias = reader.via.split(', ');
    if (reader.external || reader.package === '' || !vias.includes('build script') || vias.some((via) => via.startsWith('build script rerun-if-'))) return [];
    const line = finding.kind === 'env' ? `cargo:rerun-if-env-changed=${finding.subject}` : `cargo:rerun-if-changed=${posix.relative(reader.crate, finding.subject)}`;
    return [`\`${line}\` from the build script of ${reader.package}`];
  });
  return lines.length === 0 ? '' : `; and print ${lines.join(' and ')}, or cargo will not rerun it when this changes`;
}

function subjectWords(read: Read): string {
  switch (read.kind) {
    case 'file':
      return read.absent ? `${read.subject} (absent in this build)` : read.subject;
    case 'dir':
      return `the listing of ${read.subject === '' ? 'the workspace root' : read.subject}`;
    case 'env':
      return `env ${read.subject}${read.unset ? ' (unset in this build)' : ''}`;
    case 'program':
      return `\`${read.subject}\`${read.program?.cwd ? ` in ${read.program.cwd}` : ''}`;
  }
}

/** Why a program has no declaration to add, and what to do instead. */
function programAdvice(read: Read): string {
  if (read.program?.cwd === undefined) return 'it runs outside the workspace; declare what its output depends on by hand';
  return 'its arguments name the build\'s own output, so it cannot run as a task input; declare the files it depends on by hand';
}

/** An input as it is written in Cargo.toml. */
export function tomlInput(input: InputDeclaration): string {
  if (typeof input === 'string') return JSON.stringify(input);
  if ('env' in input) return `{ env = ${JSON.stringify(input.env)} }`;
  return `{ runtime = ${JSON.stringify(input.runtime)} }`;
}

/** The human-readable report: one line per finding, or one line saying all is covered; `prefix` says who speaks. */
export function formatReport(report: AuditReport, prefix = 'nx-cargo-audit'): string {
  const task = `${report.project}:${report.target}`;
  const counts = [plural(report.checked.files, 'file'), plural(report.checked.env, 'variable'), ...(report.checked.programs ? [plural(report.checked.programs, 'program')] : [])];
  const checked = `${counts.length > 2 ? `${counts.slice(0, -1).join(', ')} and ${counts[counts.length - 1]}` : counts.join(' and ')} checked`;
  if (report.uncovered.length === 0) return `${prefix}: every workspace file, variable and program ${task}'s build read is among its inputs (${checked})\n`;
  const lines = report.uncovered.map((finding) => `  ${finding.message}`);
  const count = report.uncovered.length;
  return `${prefix}: ${task}'s build read ${plural(count, 'thing')} that its inputs do not cover (${checked}):\n${lines.join('\n')}\n`;
}
