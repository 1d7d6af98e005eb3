// An Nx workspace (temporary unless a folder is given) with nx and this
// repository's packages installed as a user installs them (packed tarballs,
// see installed-packages.mjs), and a way to run the real `nx` binary in it.
// Shared by e2e tests, benchmarks and the README's example.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { installedPackages, REPO_ROOT } from './installed-packages.mjs';

export { REPO_ROOT };

/** nx.json targetDefaults that pin the crate cache to the built-in one, whatever is installed on the machine. */
export const BUILTIN_CRATE_CACHE = { 'nx-cargo:cargo': { options: { crateCache: 'builtin' } } };

/** Plain, reproducible Nx: no daemon, no cloud, no TUI. */
export const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

/** Who commits in a test workspace, by the tests or by nx (`nx release`): a fresh machine has no git identity. */
const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' };

export class NxWorkspace {
  /**
   * `nx`: the nx version to install beside the plugin (default: the
   * repository's); `extra`: more registry packages to install (name → range).
   * The installed node_modules is shared by every workspace with the same
   * packages, through a link: nothing here links into this repository.
   */
  constructor({ root, nx, extra } = {}) {
    this.packages = installedPackages({ nx, extra });
    if (root) rmSync(root, { recursive: true, force: true });
    this.root = root ?? mkdtempSync(join(tmpdir(), 'nx-cargo-'));
    mkdirSync(this.root, { recursive: true });
    symlinkSync(this.packages.nodeModules, join(this.root, 'node_modules'), 'dir');
    this.write('package.json', JSON.stringify({ name: 'e2e-root', private: true }, null, 2));
    // As `nx g nx-cargo:init` writes it, plus the built-in crate cache chosen explicitly: with the
    // default (`auto`) a machine that has kache installed would test kache instead.
    this.write('nx.json', JSON.stringify({ plugins: ['nx-cargo'], sync: { globalGenerators: ['nx-cargo:sync'] }, targetDefaults: BUILTIN_CRATE_CACHE }, null, 2));
    this.write('.gitignore', 'node_modules\ntarget\n.nx\n');
  }

  /**
   * A temporary workspace holding a copy of `e2e/fixtures/<name>`, with the
   * registry packages its package.json asks for (devDependencies) installed
   * beside nx and the plugin.
   */
  static fromFixture(name, options = {}) {
    const manifest = join(REPO_ROOT, 'e2e/fixtures', name, 'package.json');
    const wanted = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).devDependencies : undefined;
    const ws = new NxWorkspace({ ...options, extra: { ...wanted, ...options.extra } });
    ws.copyFrom(`e2e/fixtures/${name}`);
    return ws;
  }

  /** An installed package's executable (`nx-cargo-affected`, `nx-cargo-crate-cache`, ...). */
  bin(name) {
    return this.packages.bin(name);
  }

  write(path, text) {
    const full = join(this.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  read(path) {
    return readFileSync(join(this.root, path), 'utf8');
  }

  /** Copies a folder of this repository into the workspace. */
  copyFrom(source, destination = '') {
    cpSync(join(REPO_ROOT, source), join(this.root, destination), { recursive: true });
  }

  git(...args) {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } });
  }

  /** The environment nx runs with here: plain Nx, this workspace's own cache, and `env` on top. */
  nxEnv(env = {}) {
    // Nx 24 shares its cache between checkouts of one workspace identity
    // under ~/.nx; each workspace here keeps its own so runs never hit
    // entries written by another test or an earlier run.
    // The crate cache's store likewise stays inside the workspace.
    const merged = { ...process.env, ...NX_ENV, ...GIT_IDENTITY, NX_CACHE_DIRECTORY: join(this.root, '.nx/cache'), NX_CARGO_CRATE_CACHE_DIR: join(this.root, '.nx/crate-cache'), ...env };
    // A test runner's own context would make `node --test` inside a task skip its files.
    delete merged.NODE_TEST_CONTEXT;
    for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
    return merged;
  }

  /** Starts nx in the background, in a process group of its own (so a test can Ctrl-C it). */
  spawnNx(args, env = {}) {
    return spawn(process.execPath, [this.packages.nxBin, ...args], { cwd: this.root, env: this.nxEnv(env), detached: true, stdio: 'ignore' });
  }

  /** Runs nx; returns { status, stdout, stderr, output } without throwing. */
  nx(args, env = {}) {
    const result = spawnSync(process.execPath, [this.packages.nxBin, ...args], { cwd: this.root, env: this.nxEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // Nx runs tasks in a pseudo-terminal: cargo colours its output and lines
    // can arrive split, and Nx colours its own under CI=true. `output` drops
    // colour codes and folds all white space, for matching.
    const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`).replace(/\s+/g, ' ');
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, output };
  }

  /** Runs nx and fails with its whole output when it does not exit 0. */
  nxOk(args, env = {}) {
    const result = this.nx(args, env);
    if (result.status !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.status}\n${result.output}`);
    return result;
  }

  graph() {
    this.nxOk(['graph', '--file=graph.json']);
    return JSON.parse(this.read('graph.json')).graph;
  }

  dispose() {
    // Whatever still runs for this workspace would keep writing into it while it is removed: the
    // crate cache server (it outlives builds until idle), a daemon's plugin workers refreshing the graph.
    spawnSync('pkill', ['-f', this.root]);
    rmSync(this.root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
