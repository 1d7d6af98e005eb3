import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { hash } from 'blake3';
import { acquire, nxCargoCacheHome, tempName } from './store/index.js';

/**
 * The native client (client/, std-only Rust) that cargo runs as
 * RUSTC_WRAPPER: a Node process per rustc call costs ~100 ms, ~1.4x a cold
 * build. npm runs no install scripts and prebuilt binaries would have to
 * exist for every platform, so the client is built on first use with the
 * user's own cargo (~1-2 s, once per machine and package install) into
 * `~/.cache/nx-cargo/clients/`, shared by every store.
 */
export interface NativeClient {
  /** The executable to give cargo as RUSTC_WRAPPER. */
  wrapper: string;
  /** The server socket this client uses (one server per store and package install). */
  socket: string;
}

/** Why the native client cannot be had here, and what to do about it. */
export class NativeClientError extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason}. ${fix}`);
  }
}

/** The package folder: client sources and `dist/` (its server and in-process wrapper). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');
const CLIENT_DIR = path.join(PACKAGE_ROOT, 'client');

/** A failed build is not retried for this long: every task would pay for it again. */
const RETRY_AFTER_MS = 10 * 60 * 1000;

/** The build key: the client's sources, this package's folder (baked into the binary) and the platform. */
async function clientKey(): Promise<string> {
  const files = ['Cargo.toml', 'Cargo.lock', ...(await readdir(path.join(CLIENT_DIR, 'src'))).map((name) => path.join('src', name))].sort();
  const parts: Array<string | Buffer> = [PACKAGE_ROOT, process.platform, process.arch];
  for (const file of files) parts.push(file, await readFile(path.join(CLIENT_DIR, file)));
  return hash(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(`${part}\0`) : part)))).toString('hex').slice(0, 24);
}

/** The socket of the server the client built for `key` talks to; the same rule as client/src/main.rs. */
export function serverSocket(storeRoot: string, key: string): string {
  return path.join(storeRoot, `server-${key.slice(0, 12)}.sock`);
}

/**
 * The native client for this package, built into
 * `~/.cache/nx-cargo/clients/<key>/` if it is not there yet, talking to the
 * server of `storeRoot`. Throws NativeClientError when it cannot be built.
 */
export async function ensureNativeClient(storeRoot: string, env: NodeJS.ProcessEnv): Promise<NativeClient> {
  if (process.platform === 'win32') {
    throw new NativeClientError('the native crate cache client talks to its server over a unix socket, which it does not support on Windows yet', 'Use kache (crateCache "kache") or set crateCache to "off" to skip the per-call Node start');
  }
  const key = await clientKey();
  const clients = path.join(nxCargoCacheHome(env), 'clients');
  const dir = path.join(clients, key);
  const wrapper = path.join(dir, 'nx-cargo-rustc');
  const client = { wrapper, socket: serverSocket(storeRoot, key) };
  if (await isExecutable(wrapper)) return client;
  await rejectRecentFailure(dir);
  await mkdir(dir, { recursive: true });
  const claim = await acquire(path.join(dir, 'build.lock'));
  try {
    // Another process may have built it while this one waited.
    if (await isExecutable(wrapper)) return client;
    await build(clients, key, dir, wrapper, env);
    return client;
  } finally {
    await claim.release();
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function rejectRecentFailure(dir: string): Promise<void> {
  const failure = path.join(dir, 'failed.json');
  const info = await stat(failure).catch(() => undefined);
  if (!info || Date.now() - info.mtimeMs > RETRY_AFTER_MS) return;
  const { reason, fix } = JSON.parse(await readFile(failure, 'utf8')) as { reason: string; fix: string };
  throw new NativeClientError(reason, fix);
}

/**
 * Settings of the user's that must not reach this build: they are meant for
 * their own crates (a wrapper, flags, another target, a target dir).
 */
const FOREIGN_ENV = /^(RUSTC_WRAPPER|RUSTC_WORKSPACE_WRAPPER|RUSTFLAGS|RUSTDOCFLAGS|CARGO_ENCODED_RUSTFLAGS|CARGO_INCREMENTAL|CARGO_TARGET_DIR|CARGO_BUILD_.*|CARGO_PROFILE_.*|CARGO_TARGET_.*|CARGO_MAKEFLAGS|MAKEFLAGS|MFLAGS)$/;

async function build(clients: string, key: string, dir: string, wrapper: string, env: NodeJS.ProcessEnv): Promise<void> {
  const targetDir = path.join(clients, `build-${key}`);
  const buildEnv: NodeJS.ProcessEnv = { NX_CARGO_CRATE_CACHE_PACKAGE: PACKAGE_ROOT, NX_CARGO_CRATE_CACHE_CLIENT_KEY: key };
  for (const [name, value] of Object.entries(env)) if (!FOREIGN_ENV.test(name)) buildEnv[name] ??= value;
  // Run from the cache folder, not the user's workspace: its .cargo/config.toml and rust-toolchain are for their crates.
  const args = ['build', '--release', '--locked', '--offline', '--manifest-path', path.join(CLIENT_DIR, 'Cargo.toml'), '--target-dir', targetDir];
  const result = await run('cargo', args, clients, buildEnv);
  try {
    // Without cargo there is nothing to build with, and asking again costs nothing.
    if (result.code === null) throw new NativeClientError('cargo was not found on PATH', 'Install Rust with rustup (https://rustup.rs)');
    if (result.code !== 0) {
      const error = new NativeClientError(`cargo build of the client failed: ${result.stderr.trim().split('\n').slice(-4).join(' ')}`, 'Make sure `cargo build` works outside your workspace (a linker, `cc`, is needed); nx-cargo tries again in 10 minutes');
      await writeFile(path.join(dir, 'failed.json'), JSON.stringify({ reason: error.reason, fix: error.fix }));
      throw error;
    }
    const temp = `${wrapper}.${tempName()}`;
    await copyFile(path.join(targetDir, 'release', 'nx-cargo-rustc'), temp);
    await rename(temp, wrapper);
    await rm(path.join(dir, 'failed.json'), { force: true });
  } finally {
    await rm(targetDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', () => resolve({ code: null, stderr }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}
