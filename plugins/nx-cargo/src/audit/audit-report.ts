/** One thing a build read: a file inside the Nx workspace, or an environment variable. */
export interface Read {
  kind: 'file' | 'env';
  /** A file's workspace-relative path, or a variable's name. */
  subject: string;
  /** For a variable: its value during the audited build, when known. */
  value?: string;
  /** For a variable: `option_env!` found it unset during the audited build. */
  unset?: boolean;
  /** For a variable: the cargo config file whose `[env]` table gave it its value (workspace-relative). */
  setBy?: string;
  /** Workspace-relative folder of the crate whose compilation or build script read it ('' at the root). */
  reader: string;
  /** That crate's package name; '' for what cargo itself reads in its workspace (manifests, lock file, config). */
  readerPackage: string;
  /** How: `include_str!`, `env!`, `build script rerun-if-changed`, ... */
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

export interface Finding {
  kind: 'file' | 'env';
  subject: string;
  value?: string;
  status: Exclude<Coverage, 'covered'>;
  readers: Array<{ crate: string; package: string; via: string }>;
  /** The entry to add to `[package.metadata.nx] inputs`, and where (absent for `not-hashed`). */
  fix?: { manifestFile: string; input: string | { env: string } };
  message: string;
}

export interface AuditReport {
  project: string;
  target: string;
  checked: { files: number; env: number };
  uncovered: Finding[];
}

/**
 * The reads the task's inputs miss, one finding per file or variable (all
 * its readers named), each with the fix. A fix always goes to the audited
 * crate's manifest, also for a read by a dependency: that is what puts it in
 * this task's hash.
 */
export function auditReport(subject: AuditSubject, reads: readonly Read[], coverage: (read: Read) => Coverage): AuditReport {
  const grouped = new Map<string, { read: Read; status: Coverage; readers: Finding['readers'] }>();
  const checked = { files: new Set<string>(), env: new Set<string>() };
  for (const read of reads) {
    (read.kind === 'file' ? checked.files : checked.env).add(read.subject);
    const key = `${read.kind}:${read.subject}`;
    let group = grouped.get(key);
    if (!group) {
      group = { read, status: coverage(read), readers: [] };
      grouped.set(key, group);
    }
    const known = group.readers.find((reader) => reader.crate === read.reader);
    if (!known) group.readers.push({ crate: read.reader, package: read.readerPackage, via: read.via });
    else if (!known.via.split(', ').includes(read.via)) known.via = `${known.via}, ${read.via}`;
  }
  const uncovered: Finding[] = [];
  for (const { read, status, readers } of grouped.values()) {
    if (status === 'covered') continue;
    const finding: Finding = {
      kind: read.kind,
      subject: read.subject,
      ...(read.value !== undefined ? { value: read.value } : {}),
      status,
      readers,
      ...(status === 'undeclared' ? { fix: { manifestFile: subject.manifestFile, input: read.kind === 'file' ? `{workspaceRoot}/${read.subject}` : { env: read.subject } } } : {}),
      message: '',
    };
    finding.message = describe(subject, finding, read.unset === true);
    uncovered.push(finding);
  }
  uncovered.sort((a, b) => (a.kind === b.kind ? a.subject.localeCompare(b.subject) : a.kind === 'file' ? -1 : 1));
  return { project: subject.project, target: subject.target, checked: { files: checked.files.size, env: checked.env.size }, uncovered };
}

function describe(subject: AuditSubject, finding: Finding, unset: boolean): string {
  const who = finding.readers.map((reader) =>
    reader.package === '' ? 'cargo' : reader.package === subject.package ? displayDir(reader.crate) : `${displayDir(reader.crate)} (a dependency of ${subject.package})`,
  );
  const vias = [...new Set(finding.readers.flatMap((reader) => reader.via.split(', ')))];
  if (unset) vias.push('unset in this build');
  const what = finding.kind === 'file' ? finding.subject : `env ${finding.subject}`;
  const task = `${subject.project}:${subject.target}`;
  const reads = `${who.join(' and ')} ${who.length > 1 ? 'read' : 'reads'} ${what} (${vias.join(', ')})`;
  if (finding.status === 'not-hashed') {
    return `${reads}: ${task}'s inputs name it, but Nx does not hash it (is it ignored by .gitignore or .nxignore?): stop ignoring it, so that a change to it changes the task hash`;
  }
  const input = finding.kind === 'file' ? `"{workspaceRoot}/${finding.subject}"` : `{ env = "${finding.subject}" }`;
  return `${reads}, not among ${task}'s inputs: add ${input} to [package.metadata.nx] inputs in ${subject.manifestFile}`;
}

function displayDir(dir: string): string {
  return dir === '' ? '.' : dir;
}

/** The human-readable report: one line per finding, or one line saying all is covered. */
export function formatReport(report: AuditReport): string {
  const task = `${report.project}:${report.target}`;
  const checked = `${report.checked.files} file${report.checked.files === 1 ? '' : 's'} and ${report.checked.env} variable${report.checked.env === 1 ? '' : 's'} checked`;
  if (report.uncovered.length === 0) return `nx-cargo-audit: every workspace file and variable ${task}'s build read is among its inputs (${checked})\n`;
  const lines = report.uncovered.map((finding) => `  ${finding.message}`);
  const count = report.uncovered.length;
  return `nx-cargo-audit: ${task}'s build read ${count} thing${count === 1 ? '' : 's'} that its inputs do not cover (${checked}):\n${lines.join('\n')}\n`;
}
