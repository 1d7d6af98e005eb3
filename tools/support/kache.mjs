// The real kache the tests run under `crateCache: kache`, at one pinned
// version: the one on PATH when it is that version, else the one
// `ensureKache` installs from crates.io into the test tools folder.
//
// Why 2.0.0 without --locked: 2.0.0's Cargo.lock pins webpki-roots 1.0.11,
// which crates.io's index no longer lists, so `cargo install --locked kache`
// fails to resolve. 1.2.2 still installs with --locked, but 2.0.0 is what
// `cargo install kache` gives a user today, and its report is what the
// plugin parses. Without --locked, cargo resolves kache's dependencies anew
// within their semver ranges.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TestToolError, TOOLS_DIR } from './test-tools.mjs';

export const KACHE_VERSION = '2.0.0';
const INSTALL_ROOT = join(TOOLS_DIR, `kache-${KACHE_VERSION}`);

/** `kache --version` of `file` is the pinned version. */
function isPinned(file) {
  const result = spawnSync(file, ['--version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === `kache ${KACHE_VERSION}`;
}

/** The pinned kache's executable, or undefined when this machine has none. */
export function findKache(env = process.env) {
  const candidates = [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'kache')), join(INSTALL_ROOT, 'bin/kache')];
  return candidates.find((file) => existsSync(file) && isPinned(file));
}

/** The pinned kache, or an error that says how to get it. */
export function requireKache() {
  const kache = findKache();
  if (!kache) throw new TestToolError(`kache ${KACHE_VERSION} is not installed: run \`node tools/support/ensure-test-tools.mjs\` (npm test runs it first; it installs kache from crates.io, about 10 minutes on 2 cores, once per machine)`);
  return kache;
}

/**
 * Installs the pinned kache when the machine has none: `cargo install` into
 * a staging folder, renamed into place when complete, so an interrupted
 * install is never taken for a finished one. cargo's progress goes to this
 * process's stderr. Returns the executable.
 */
export function ensureKache(log = console.error) {
  const found = findKache();
  if (found) return found;
  const staging = `${INSTALL_ROOT}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(TOOLS_DIR, { recursive: true });
  log(`kache ${KACHE_VERSION} is not installed: \`cargo install kache --version =${KACHE_VERSION}\` into ${INSTALL_ROOT} (about 10 minutes on 2 cores, once per machine)`);
  const started = Date.now();
  const result = spawnSync('cargo', ['install', 'kache', '--version', `=${KACHE_VERSION}`, '--root', staging], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new TestToolError(`cannot run cargo to install kache (${result.error.message}); install Rust with rustup first`);
  if (result.status !== 0) throw new TestToolError(`cargo install kache --version =${KACHE_VERSION} failed (exit ${result.status}); its output is above`);
  rmSync(INSTALL_ROOT, { recursive: true, force: true });
  renameSync(staging, INSTALL_ROOT);
  log(`kache ${KACHE_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  const kache = join(INSTALL_ROOT, 'bin/kache');
  if (!isPinned(kache)) throw new TestToolError(`${kache} does not report kache ${KACHE_VERSION} after its install`);
  return kache;
}
