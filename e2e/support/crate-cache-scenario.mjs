// Real cargo on copies of e2e/fixtures/crate-cache, with a rustc cache under
// it (the built-in one, or kache set up by the plugin's `crateCache: kache`),
// and two independent witnesses of what happened:
// - a RUSTC_WRAPPER in front of the cache logs every unit cargo asked for (with its argv),
// - RUSTC itself is a script that logs every unit the real rustc compiled.
// A unit "recompiled" when the second log has it, whatever the cache says.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { installedPackages, REPO_ROOT } from '../../tools/support/installed-packages.mjs';

/** The fixture the scenarios copy unless told otherwise (e2e/fixtures/<name>). */
const DEFAULT_FIXTURE = 'crate-cache';
/** The installed package's CLI, and the wrapper it gives cargo (its native client, built on first use). */
export const CACHE_CLI = installedPackages().bin('nx-cargo-crate-cache');
/** The installed plugin's crate cache set-up, as its cargo executor calls it. */
const { setUpCrateCache } = createRequire(import.meta.url)(join(installedPackages().packageDir('nx-cargo'), 'dist/executors/cargo/crate-cache.js'));
const OUR_WRAPPER = execFileSync(process.execPath, [CACHE_CLI, 'wrapper'], { encoding: 'utf8' }).trim();
export const BASE_ENV = { APP_MODE: 'dev', CARGO_TERM_COLOR: 'never' };

const scratch = mkdtempSync(join(tmpdir(), 'crate-cache-e2e-'));
// Copies, target dirs and stores of a test file take gigabytes: they go when its process ends, pass or fail.
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function script(name, body) {
  const file = join(scratch, name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `#!/bin/bash\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return file;
}

// `label` is package/crate so build scripts (all named build_script_build) stay apart.
const LABEL = 'name=""; prev=""; for a in "$@"; do [ "$prev" = "--crate-name" ] && name="$a"; prev="$a"; done';
const REQUESTED = script('log-requested', `${LABEL}
if [ -n "$name" ] && [ "$name" != "___" ]; then printf '%s/%s\\t%s\\n' "$CARGO_PKG_NAME" "$name" "$*" >> "$SCENARIO_REQUESTED_LOG"; fi
if [ -n "$SCENARIO_NEXT_WRAPPER" ]; then exec "$SCENARIO_NEXT_WRAPPER" "$@"; fi
exec "$@"`);
// Named rustc: kache caches only a compiler it recognizes by name. A unit counts once rustc
// finished it: not kache's dep-info pre-pass (\`--emit dep-info\`), nor a compile kache stops on a
// hit (it kills its child, this script; --pdeathsig takes rustc along).
const COMPILED = script('witness/rustc', `${LABEL}
prepass=""; prev=""; for a in "$@"; do [ "$prev" = "--emit" ] && [ "$a" = "dep-info" ] && prepass=1; prev="$a"; done
setpriv --pdeathsig KILL rustc "$@"
status=$?
if [ "$status" = 0 ] && [ -z "$prepass" ] && [ -n "$name" ] && [ "$name" != "___" ]; then printf '%s/%s\\n' "$CARGO_PKG_NAME" "$name" >> "$SCENARIO_COMPILED_LOG"; fi
exit "$status"`);

let copies = 0;
/** A fresh copy of a fixture (a name under e2e/fixtures, or a workspace's absolute path) at a new absolute path, with no target dir. */
export function freshWorkspace(fixture = DEFAULT_FIXTURE) {
  const dir = join(scratch, `ws-${++copies}`);
  const source = isAbsolute(fixture) ? fixture : join(REPO_ROOT, 'e2e/fixtures', fixture);
  cpSync(source, dir, { recursive: true, filter: (path) => !/\/target$/.test(path) });
  return dir;
}

export function newStore() {
  return mkdtempSync(join(scratch, 'store-'));
}

let runs = 0;
/**
 * The argv, environment and witness logs of one cargo run. `wrapperEnv`:
 * what the plugin set up for cargo (kache), its RUSTC_WRAPPER run after the witness.
 */
function prepare(workspace, { args = ['build', '-p', 'app'], env = {}, cache = 'builtin', store, omit = '', toolchain, wrapperEnv = {} } = {}) {
  const requestedLog = join(scratch, `requested-${++runs}.log`);
  const compiledLog = join(scratch, `compiled-${runs}.log`);
  writeFileSync(requestedLog, '');
  writeFileSync(compiledLog, '');
  const runEnv = {
    ...process.env,
    ...BASE_ENV,
    RUSTC: COMPILED,
    ...wrapperEnv,
    RUSTC_WRAPPER: REQUESTED,
    SCENARIO_NEXT_WRAPPER: cache === 'builtin' ? OUR_WRAPPER : (wrapperEnv.RUSTC_WRAPPER ?? ''),
    SCENARIO_REQUESTED_LOG: requestedLog,
    SCENARIO_COMPILED_LOG: compiledLog,
    NX_CARGO_CRATE_CACHE_DIR: store ?? '',
    NX_CARGO_CRATE_CACHE_WORKSPACE: workspace,
    NX_CARGO_CRATE_CACHE_TEST_OMIT: omit,
    ...env,
  };
  delete runEnv.NODE_TEST_CONTEXT;
  return { argv: toolchain ? [`+${toolchain}`, ...args] : args, env: runEnv, requestedLog, compiledLog, workspace };
}

/**
 * What a finished run did: the units cargo asked for (label → argv with this
 * checkout's roots replaced) and the labels the real rustc compiled.
 */
function witnessed(run, status, stderr) {
  if (status !== 0) throw new Error(`cargo ${run.argv.join(' ')} failed in ${run.workspace}:\n${stderr}`);
  const targetDir = run.env.CARGO_TARGET_DIR || join(run.workspace, 'target');
  const requested = new Map();
  for (const line of readFileSync(run.requestedLog, 'utf8').split('\n').filter(Boolean)) {
    const [label, argvText] = line.split('\t');
    requested.set(label, argvText.split(targetDir).join('<target>').split(run.workspace).join('<ws>').replace(/-C incremental=\S+/, ''));
  }
  const compiled = readFileSync(run.compiledLog, 'utf8').split('\n').filter(Boolean);
  return { requested, compiled: new Set(compiled), compiledList: compiled, stderr, workspace: run.workspace };
}

/**
 * One `cargo <args>` run; `cache` is 'builtin' or 'off'. Waits for the
 * store to settle after, unless `settle: false` (to look at the store as
 * cargo leaves it).
 */
export function cargo(workspace, options) {
  const run = prepare(workspace, options);
  const result = spawnSync('cargo', run.argv, { cwd: workspace, env: run.env, encoding: 'utf8' });
  if (options?.settle !== false) settle(options?.store);
  return witnessed(run, result.status, result.stderr);
}

/**
 * The cache server stores a compile after answering cargo, holding the
 * unit's claim meanwhile. Tests that inspect or copy the store wait for
 * every claim to be released first.
 */
export function settle(store) {
  if (!store) return;
  const claims = join(store, 'claims');
  const deadline = Date.now() + 30_000;
  while (existsSync(claims) && readdirSync(claims).length > 0) {
    if (Date.now() > deadline) throw new Error(`claims still held in ${claims}: ${readdirSync(claims)}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** A copy of a store's contents, without the server's socket (which cannot be copied). */
export function copyStore(store, destination) {
  cpSync(store, destination, { recursive: true, filter: (source) => !/server-[0-9a-f]+\.sock$/.test(source) });
}

/**
 * kache's settings in these tests: its store (and its daemon's socket) in
 * `store`, kache's defaults whatever the user or host config says, and a
 * daemon that ends itself when idle should stopKacheDaemon not be reached.
 */
export function kacheEnv(store) {
  const config = join(scratch, 'kache-defaults.toml');
  if (!existsSync(config)) writeFileSync(config, '# nx-cargo tests: kache with its defaults\n');
  return { KACHE_CACHE_DIR: store, KACHE_CONFIG: config, KACHE_HOST_CONFIG: '', KACHE_DAEMON_IDLE_TIMEOUT: '300' };
}

/**
 * The plugin's `crateCache: kache` set up for one cargo run in `workspace`,
 * as its executor does it before starting cargo (`kache`: the executable).
 */
export async function setUpKache(workspace, { store, kache, env: extra = {} }) {
  const env = { ...process.env, ...BASE_ENV, ...kacheEnv(store), ...extra, PATH: `${dirname(kache)}:${process.env.PATH}` };
  delete env.RUSTC_WRAPPER;
  delete env.CARGO_BUILD_RUSTC_WRAPPER;
  const cache = await setUpCrateCache('kache', workspace, env);
  if (cache.kind !== 'kache') throw new Error(`crateCache kache set up ${cache.kind}`);
  return { cache, env, store, kache, extra };
}

/**
 * The cargo run of a `setUpKache`: the witnesses, the task's crate cache
 * line and kache's own report for the run's event root.
 */
export async function runUnderKache({ cache, env, store, kache, extra }, workspace, options = {}) {
  const run = prepare(workspace, { ...options, cache: 'kache', env: { ...kacheEnv(store), PATH: env.PATH, ...extra, ...options.env }, wrapperEnv: cache.env });
  const result = spawnSync('cargo', run.argv, { cwd: workspace, env: run.env, encoding: 'utf8' });
  const outcome = witnessed(run, result.status, result.stderr);
  const line = await cache.summary();
  const root = cache.env.KACHE_EVENT_ROOT ?? env.KACHE_EVENT_ROOT;
  const report = JSON.parse(execFileSync(kache, ['report', '--format', 'json', '--root', root], { cwd: workspace, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  return { ...outcome, line, report };
}

/** One `cargo <args>` run under the plugin's `crateCache: kache` (see setUpKache, runUnderKache). */
export async function cargoThroughKache(workspace, options) {
  return runUnderKache(await setUpKache(workspace, options), workspace, options);
}

/** Stops the daemon kache started for `store` (one per store), so it neither outlives the test nor holds the store open. */
export function stopKacheDaemon(kache, store) {
  spawnSync(kache, ['daemon', 'stop'], { env: { ...process.env, ...kacheEnv(store) }, encoding: 'utf8' });
}

/** The same, without blocking: for runs that must overlap. */
export function cargoAsync(workspace, options) {
  const run = prepare(workspace, options);
  return new Promise((resolve, reject) => {
    const child = spawn('cargo', run.argv, { cwd: workspace, env: run.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        settle(options?.store);
        resolve(witnessed(run, status, stderr));
      } catch (error) {
        reject(error);
      }
    });
  });
}

export function cleanTarget(workspace) {
  rmSync(join(workspace, 'target'), { recursive: true, force: true });
}

export function runBinary(workspace, name = 'app') {
  return execFileSync(join(workspace, 'target/debug', name), { encoding: 'utf8' });
}

export function sorted(set) {
  return [...set].sort();
}
