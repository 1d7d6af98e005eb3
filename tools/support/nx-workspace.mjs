// An Nx workspace (temporary unless a folder is given) that uses this
// repository's built plugin, and a way to run the real `nx` binary in it.
// Shared by e2e tests, benchmarks and the README's example.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const NX_BIN = join(REPO_ROOT, 'node_modules/nx/dist/bin/nx.js');

/** Plain, reproducible Nx: no daemon, no cloud, no TUI. */
export const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

export class NxWorkspace {
  constructor({ root } = {}) {
    if (root) rmSync(root, { recursive: true, force: true });
    this.root = root ?? mkdtempSync(join(tmpdir(), 'nx-cargo-'));
    mkdirSync(this.root, { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(this.root, 'node_modules'), 'dir');
    this.write('package.json', JSON.stringify({ name: 'e2e-root', private: true }, null, 2));
    // Nx runs nx-cargo's sync generator before tasks; without a terminal to
    // ask in, it stops unless told to apply the changes itself.
    this.write('nx.json', JSON.stringify({ plugins: ['nx-cargo'], sync: { applyChanges: true } }, null, 2));
    this.write('.gitignore', 'node_modules\ntarget\n.nx\n');
  }

  /**
   * A temporary workspace holding a copy of `e2e/fixtures/<name>`, with
   * nx-cargo's inputs files written: Nx stops outside a terminal while they
   * are stale, and `nx sync` is what a user runs.
   */
  static fromFixture(name) {
    const ws = new NxWorkspace();
    ws.copyFrom(`e2e/fixtures/${name}`);
    ws.nxOk(['sync']);
    return ws;
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
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' } });
  }

  /** The environment nx runs with here: plain Nx, this workspace's own cache, and `env` on top. */
  nxEnv(env = {}) {
    // Nx 24 shares its cache between checkouts of one workspace identity
    // under ~/.nx; each workspace here keeps its own so runs never hit
    // entries written by another test or an earlier run.
    // The crate cache's store likewise stays inside the workspace.
    const merged = { ...process.env, ...NX_ENV, NX_CACHE_DIRECTORY: join(this.root, '.nx/cache'), NX_CARGO_CRATE_CACHE_DIR: join(this.root, '.nx/crate-cache'), ...env };
    // A test runner's own context would make `node --test` inside a task skip its files.
    delete merged.NODE_TEST_CONTEXT;
    for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
    return merged;
  }

  /** Starts nx in the background, in a process group of its own (so a test can Ctrl-C it). */
  spawnNx(args, env = {}) {
    return spawn(process.execPath, [NX_BIN, ...args], { cwd: this.root, env: this.nxEnv(env), detached: true, stdio: 'ignore' });
  }

  /** Runs nx; returns { status, stdout, stderr, output } without throwing. */
  nx(args, env = {}) {
    const result = spawnSync(process.execPath, [NX_BIN, ...args], { cwd: this.root, env: this.nxEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
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
