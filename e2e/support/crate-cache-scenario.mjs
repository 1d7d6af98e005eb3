// Real cargo on copies of e2e/fixtures/crate-cache, with the built-in rustc
// cache under it, and two independent witnesses of what happened:
// - a RUSTC_WRAPPER in front of ours logs every unit cargo asked for (with its argv),
// - RUSTC itself is a script that logs every unit the real rustc compiled.
// A unit "recompiled" when the second log has it, whatever our cache says.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { installedPackages, REPO_ROOT } from '../../tools/support/installed-packages.mjs';

/** The fixture the scenarios copy unless told otherwise (e2e/fixtures/<name>). */
const DEFAULT_FIXTURE = 'crate-cache';
/** The installed package's CLI, and the wrapper it gives cargo (its native client, built on first use). */
export const CACHE_CLI = installedPackages().bin('nx-cargo-crate-cache');
const OUR_WRAPPER = execFileSync(process.execPath, [CACHE_CLI, 'wrapper'], { encoding: 'utf8' }).trim();
export const BASE_ENV = { APP_MODE: 'dev', CARGO_TERM_COLOR: 'never' };

const scratch = mkdtempSync(join(tmpdir(), 'crate-cache-e2e-'));

function script(name, body) {
  const file = join(scratch, name);
  if (!existsSync(file)) {
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
const COMPILED = script('log-compiled', `${LABEL}
if [ -n "$name" ] && [ "$name" != "___" ]; then printf '%s/%s\\n' "$CARGO_PKG_NAME" "$name" >> "$SCENARIO_COMPILED_LOG"; fi
exec rustc "$@"`);

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
/** The argv, environment and witness logs of one cargo run. */
function prepare(workspace, { args = ['build', '-p', 'app'], env = {}, cache = 'builtin', store, omit = '', toolchain } = {}) {
  const requestedLog = join(scratch, `requested-${++runs}.log`);
  const compiledLog = join(scratch, `compiled-${runs}.log`);
  writeFileSync(requestedLog, '');
  writeFileSync(compiledLog, '');
  const runEnv = {
    ...process.env,
    ...BASE_ENV,
    RUSTC: COMPILED,
    RUSTC_WRAPPER: REQUESTED,
    SCENARIO_NEXT_WRAPPER: cache === 'builtin' ? OUR_WRAPPER : '',
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
