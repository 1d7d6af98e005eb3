/**
 * nx-cargo-affected --base <rev> [--head <rev>] -t <targets> [nx args...]
 *
 * `nx affected` that sees inside Cargo.lock and the workspace Cargo.toml
 * without relying on the inputs files `nx sync` commits: cargo tasks hash
 * only the parts of those two files that reach each crate, and plain
 * `nx affected` sees those parts only through the committed files. This asks
 * git what changed, replaces each Cargo.lock by the manifests of the crates
 * whose external closure the change reaches, and each workspace root
 * Cargo.toml by the manifests of the crates whose part of it changed and the
 * profile files that changed (both computed from the two commits), leaves out
 * the inputs files themselves, and runs `nx affected --files=<list>` with the
 * rest of the arguments. `--print` shows the list and the affected projects
 * instead (`--json` with it: as JSON).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { nodeFileSystem, type DirEntry, type FileSystem } from '@nx-cargo/cargo-workspace';
import { CliError } from '../cli/cli-error.js';
import { nxCommand } from '../cli/nx-command.js';
import { readNxJsonAt } from '../cli/nx-json.js';
import { pluginOptionsIn } from '../graph/options.js';
import { requireNxRoot } from '../cli/nx-root.js';
import { spawnProcessGroup } from '../process-group.js';
import { refineChangedFiles, type ChangeSources } from './refine-files.js';

const USAGE = 'usage: nx-cargo-affected --base <rev> [--head <rev>] [--print [--json]] -t <targets> [other nx affected args...]';

interface Args {
  base: string;
  head?: string;
  print: boolean;
  json: boolean;
  help: boolean;
  /** Arguments for nx affected, as given and in order. */
  rest: string[];
}

const OWN_OPTIONS = {
  base: { type: 'string' },
  head: { type: 'string' },
  print: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** nx arguments that choose the changed files: this tool chooses them. */
const FILE_SELECTORS = new Set(['files', 'uncommitted', 'untracked']);

/** A group of short options (`-t=build,test`, `-c=ci`) is nx's to read; Node's parser would split it into letters and renumber what follows. */
const isShortOptionGroup = (arg: string) => /^-[^-]./.test(arg);

/** Node's parser takes this tool's options; every other argument goes on to nx affected untouched. */
export function readArgs(argv: string[]): Args {
  const parsed = argv.flatMap((arg, index) => (isShortOptionGroup(arg) ? [] : [index]));
  const { values, tokens } = parseArgs({ args: parsed.map((index) => argv[index]), options: OWN_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const own = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'option' && token.name in OWN_OPTIONS) {
      if (OWN_OPTIONS[token.name as keyof typeof OWN_OPTIONS].type === 'string' && !token.value) throw new CliError(`--${token.name} needs a value\n${USAGE}`);
      own.add(parsed[token.index]);
      if (token.value !== undefined && !token.inlineValue) own.add(parsed[token.index + 1]);
    } else if (token.kind === 'option' && FILE_SELECTORS.has(token.name)) {
      throw new CliError(`--${token.name} is not for nx-cargo-affected, which picks the files from --base and --head\n${USAGE}`);
    }
  }
  const rest = argv.filter((_, index) => !own.has(index));
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const args = { base: text(values.base) ?? '', head: text(values.head), print: values.print === true, json: values.json === true, help: values.help === true, rest };
  if (args.help) return args;
  if (!args.base) throw new CliError(`--base is required\n${USAGE}`);
  if (args.json && !args.print) throw new CliError(`--json goes with --print\n${USAGE}`);
  return args;
}

/** Git, run in the Nx root so that `rev:./path` and --relative paths are relative to it. */
class Git {
  constructor(private readonly cwd: string) {}

  run(args: string[]): string {
    try {
      return execFileSync('git', args, { cwd: this.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new CliError(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
    }
  }

  /** NUL-separated output as a list. */
  list(args: string[]): string[] {
    return this.run(args).split('\0').filter((entry) => entry !== '');
  }

  /** The commit `rev` names, or '' when it names none. */
  commit(rev: string): string {
    try {
      return this.run(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim();
    } catch {
      return '';
    }
  }

  /** The file at `rev` (path relative to the Nx root), or undefined when it is not there. */
  show(rev: string, path: string): string | undefined {
    try {
      return execFileSync('git', ['show', `${rev}:./${path}`], { cwd: this.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  }
}

/** FileSystem over a commit's tree below the Nx root, read through git (--full-tree: `rev:./` is already that subtree). */
function gitTreeFileSystem(git: Git, rev: string): FileSystem {
  const files = new Set<string>();
  const dirs = new Map<string, DirEntry[]>([['', []]]);
  for (const line of git.list(['ls-tree', '--full-tree', '-r', '-t', '-z', '--format=%(objecttype) %(path)', `${rev}:./`])) {
    const space = line.indexOf(' ');
    const [type, path] = [line.slice(0, space), line.slice(space + 1)];
    const isDirectory = type === 'tree';
    if (isDirectory) dirs.set(path, dirs.get(path) ?? []);
    else files.add(path);
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const entries = dirs.get(parent) ?? [];
    entries.push({ name: path.slice(parent === '' ? 0 : parent.length + 1), isDirectory });
    dirs.set(parent, entries);
  }
  return {
    readFile: (path) => (files.has(path) ? git.show(rev, path) : undefined),
    readDir: (path) => dirs.get(path) ?? [],
  };
}

function changedFiles(git: Git, mergeBase: string, head: string | undefined): string[] {
  const diff = git.list(['diff', '--name-only', '--no-renames', '--relative', '-z', mergeBase, ...(head ? [head] : [])]);
  const untracked = head ? [] : git.list(['ls-files', '--others', '--exclude-standard', '-z']);
  return [...new Set([...diff, ...untracked])];
}

/** The two trees, and the plugin's options from nx.json (today's: they decide what the inputs files hold on both sides). */
async function changeSources(git: Git, nxRoot: string, mergeBase: string, head: string | undefined): Promise<ChangeSources> {
  const options = pluginOptionsIn(await readNxJsonAt(nxRoot));
  return { before: gitTreeFileSystem(git, mergeBase), after: head ? gitTreeFileSystem(git, head) : nodeFileSystem(nxRoot), ...(options ? { options } : {}) };
}

/** The nx arguments that also filter `nx show projects`: targets, projects, exclusions. */
function projectFilters(rest: string[]): string[] {
  const filters: string[] = [];
  const takesValue = new Set(['-t', '--target', '--targets', '-p', '--projects', '--exclude']);
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    const flag = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (!takesValue.has(flag)) continue;
    if (flag === arg && i + 1 < rest.length) filters.push(arg, rest[++i]);
    else filters.push(arg);
  }
  return filters;
}

/** The CLI without process globals: `argv` without node and the script, the environment, the folder it runs in. */
export async function runAffected(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const args = readArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const nxRoot = requireNxRoot(cwd, 'nx-cargo-affected');
  const git = new Git(nxRoot);
  const base = git.commit(args.base);
  const head = args.head === undefined ? undefined : git.commit(args.head);
  if (!base) throw new CliError(`--base ${args.base} is not a commit`);
  if (args.head !== undefined && !head) throw new CliError(`--head ${args.head} is not a commit`);
  // Like nx affected: changes since the point where head (or HEAD) left base.
  let mergeBase: string;
  try {
    mergeBase = git.run(['merge-base', base, head ?? 'HEAD']).trim();
  } catch {
    mergeBase = base;
  }

  const { files, notes } = refineChangedFiles(changedFiles(git, mergeBase, head), await changeSources(git, nxRoot, mergeBase, head));
  for (const note of notes) process.stderr.write(`nx-cargo-affected: ${note}\n`);
  const [node, ...nx] = nxCommand(nxRoot);
  const filesArg = `--files=${files.join(',')}`;

  if (args.print) {
    let projects: string[] = [];
    if (files.length > 0) {
      const { child } = await spawnProcessGroup(node, [...nx, 'show', 'projects', '--affected', filesArg, ...projectFilters(args.rest)], { cwd: nxRoot, stdout: 'pipe', stderr: 'pipe', env });
      const result = await child;
      if (result.exitCode !== 0) {
        process.stderr.write(`nx show projects failed (exit ${result.exitCode}):\n${String(result.stderr ?? '')}${String(result.stdout ?? '')}\n`);
        return result.exitCode ?? 1;
      }
      projects = String(result.stdout ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
    }
    if (args.json) process.stdout.write(`${JSON.stringify({ files, projects }, null, 2)}\n`);
    else {
      process.stdout.write(`Files (${files.length}):\n${files.map((file) => `  ${file}\n`).join('')}`);
      process.stdout.write(`Affected projects (${projects.length}):\n${projects.map((project) => `  ${project}\n`).join('')}`);
    }
    return 0;
  }

  if (files.length === 0) {
    // `--files=` with nothing in it would make nx fall back to its own base: nothing changed, nothing to run.
    process.stdout.write('nx-cargo-affected: no changed file reaches any project; nothing to run\n');
    return 0;
  }
  const { child } = await spawnProcessGroup(node, [...nx, 'affected', filesArg, ...args.rest], { cwd: nxRoot, stdout: 'inherit', stderr: 'inherit', env });
  const result = await child;
  return result.exitCode ?? (result.signal ? 130 : 1);
}
