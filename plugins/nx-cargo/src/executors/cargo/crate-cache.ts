import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CrateStore, defaultStoreRoot, ensureNativeClient, flushServer, NativeClientError, which, type CacheEvent, type NotStored } from '@nx-cargo/crate-cache';
import { spawnProcessGroup } from './cargo-process.js';

/** The executor's `crateCache` option: which rustc cache runs under cargo. */
export type CrateCacheOption = 'auto' | 'kache' | 'builtin' | 'off';

/** What the option resolved to, the environment cargo gets, and how to tell what the cache did. */
export interface CrateCache {
  kind: 'user' | 'kache' | 'builtin' | 'off';
  env: Record<string, string>;
  /**
   * Waits until the cache has stored this cargo run's units, then describes
   * them (`crate cache: 46 restored, 3 compiled, 2 passed through`), all of
   * them or those of one package.
   */
  summary(only?: { package: string }): Promise<string | undefined>;
}

export class CrateCacheError extends Error {}

/**
 * `auto` uses kache when it is on PATH, else the built-in wrapper. A
 * RUSTC_WRAPPER the user set (or CARGO_BUILD_RUSTC_WRAPPER) is never
 * replaced: with `builtin` or `kache` the task says so instead. `off` adds
 * no wrapper.
 */
export async function setUpCrateCache(option: CrateCacheOption = 'auto', workspaceDir: string, env: NodeJS.ProcessEnv = process.env): Promise<CrateCache> {
  const own = env.RUSTC_WRAPPER || env.CARGO_BUILD_RUSTC_WRAPPER;
  if (own) {
    const notice = option === 'builtin' || option === 'kache' ? `crate cache: crateCache "${option}" not applied, your RUSTC_WRAPPER (${own}) stays; unset it to use ${option}` : undefined;
    return { kind: 'user', env: {}, summary: async () => notice };
  }
  if (option === 'off') return { kind: 'off', env: {}, summary: async () => undefined };
  const kache = option === 'builtin' ? undefined : await which('kache', env);
  if (option === 'kache' && !kache) throw new CrateCacheError('crateCache is "kache" but `kache` is not on PATH: install kache, or set the crateCache option to "builtin" or "auto".');
  if (kache) {
    const run = kacheRun(workspaceDir, env);
    return { kind: 'kache', env: { RUSTC_WRAPPER: kache, ...run.env }, summary: (only) => kacheSummary(kache, run, env, only) };
  }
  const session = randomUUID();
  const storeRoot = defaultStoreRoot(env);
  const store = new CrateStore({ root: storeRoot });
  const problem = await store.writeProblem();
  if (problem) return { kind: 'off', env: {}, summary: async () => `crate cache: ${problem}, so this build runs without it` };
  const { wrapper, socket } = await builtinWrapper(storeRoot, env);
  return {
    kind: 'builtin',
    env: { RUSTC_WRAPPER: wrapper, NX_CARGO_CRATE_CACHE_DIR: storeRoot, NX_CARGO_CRATE_CACHE_NODE: process.execPath, NX_CARGO_CRATE_CACHE_WORKSPACE: workspaceDir, NX_CARGO_CRATE_CACHE_SESSION: session },
    summary: async (only) => {
      // The server stores after cargo has its answer: a task that ends before its stores would lose them when its job ends.
      const flushed = socket ? await flushServer(socket, session).catch(() => undefined) : undefined;
      const units = (await store.readEvents({ session })).map(fromBuiltin);
      const notStored = flushed?.notStored.map((failure: NotStored): UnitEvent => ({ crate: failure.crate, outcome: 'not cached', reason: failure.reason })) ?? [];
      return summarize(ownedBy([...units, ...notStored], only));
    },
  };
}

/** A package's own units: its crates and build script (labelled `<package>/<crate>`). */
function ownedBy(units: UnitEvent[], only: { package: string } | undefined): UnitEvent[] {
  if (!only) return units;
  // kache names a compile by its crate name only: the package's name with `-` as `_`.
  const crateName = only.package.replace(/-/g, '_');
  return units.filter((unit) => unit.crate === only.package || unit.crate === crateName || unit.crate?.startsWith(`${only.package}/`));
}

/** Said once per process: a batch of many tasks needs to hear it once. */
let slowPathReported = false;

/**
 * The native client of @nx-cargo/crate-cache (built on first use), else its
 * in-process wrapper, which starts Node for every rustc call: then the task
 * says why, what it costs and how to fix it.
 */
async function builtinWrapper(storeRoot: string, env: NodeJS.ProcessEnv): Promise<{ wrapper: string; socket?: string }> {
  try {
    return await ensureNativeClient(storeRoot, env);
  } catch (error) {
    if (!(error instanceof NativeClientError)) throw error;
    if (!slowPathReported) {
      slowPathReported = true;
      console.warn(`nx-cargo: crate cache: ${error.reason}, so every rustc call starts Node (about 1.4x a cold build). ${error.fix}.`);
    }
    return { wrapper: join(dirname(require.resolve('@nx-cargo/crate-cache/package.json')), 'bin', 'nx-cargo-rustc') };
  }
}

/**
 * What the cache did with a unit, as both caches report it. 'not cached'
 * comes besides another outcome: a unit compiled but not stored, or whose
 * lookup failed so it was compiled without the cache.
 */
export interface UnitEvent {
  crate?: string;
  outcome: 'restored' | 'compiled' | 'passed through' | 'not cached' | 'other';
  reason?: string;
}

export function summarize(units: readonly UnitEvent[]): string | undefined {
  if (units.length === 0) return undefined;
  const count = (outcome: UnitEvent['outcome']) => units.filter((u) => u.outcome === outcome).length;
  const line = `crate cache: ${count('restored')} restored, ${count('compiled')} compiled, ${count('passed through')} passed through`;
  const notCached = units.filter((u) => u.outcome === 'not cached');
  return notCached.length === 0 ? line : `${line}; ${notCached.length} not cached (${notCached[0].reason})`;
}

/** A damaged entry is followed by the miss that recompiles it, which is what counts. */
function fromBuiltin(event: CacheEvent): UnitEvent {
  const outcome = event.result === 'hit' ? 'restored' : event.result === 'miss' ? 'compiled' : event.result === 'passthrough' ? 'passed through' : event.result === 'error' ? 'not cached' : 'other';
  return { crate: event.crateName, outcome, reason: event.reason };
}

/** Where kache files this cargo run's events. */
interface KacheRun {
  root: string;
  /** Where cargo runs: kache reads a project's `.kache.toml` from there up, for the report too. */
  cwd: string;
  /** Epoch ms before cargo started. */
  startedAt: number;
  /** The root is the user's, shared with other runs: this run's events are told apart by time. */
  shared: boolean;
  env: Record<string, string>;
}

/**
 * kache files every event under an event root, by default the folder that
 * holds the target dir, shared by all cargo runs there (parallel Nx tasks
 * included). A root of this run's own below the workspace
 * (`KACHE_EVENT_ROOT`) lets `kache report --root` select exactly its events;
 * `kache report --root <workspace>` still matches them, as kache compares
 * roots by prefix. A KACHE_EVENT_ROOT the user set stays.
 */
function kacheRun(workspaceDir: string, env: NodeJS.ProcessEnv): KacheRun {
  const startedAt = Date.now();
  if (env.KACHE_EVENT_ROOT) return { root: resolve(workspaceDir, env.KACHE_EVENT_ROOT), cwd: workspaceDir, startedAt, shared: true, env: {} };
  const root = join(realWorkspace(workspaceDir), '.nx-cargo', 'kache-runs', randomUUID());
  return { root, cwd: workspaceDir, startedAt, shared: false, env: { KACHE_EVENT_ROOT: root } };
}

/** kache canonicalizes the roots it records and filters by; a root below a symlinked path would match neither. */
function realWorkspace(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    return dir;
  }
}

/** kache's own record of this run: `kache report --format json` for the run's event root. */
async function kacheSummary(kache: string, run: KacheRun, env: NodeJS.ProcessEnv, only: { package: string } | undefined): Promise<string | undefined> {
  // The window, the run's duration and a margin, only bounds how much of kache's event log is read.
  const window = `${Math.ceil((Date.now() - run.startedAt) / 1000) + 60}s`;
  const { child } = await spawnProcessGroup(kache, ['report', '--format', 'json', '--root', run.root, '--since', window], { cwd: run.cwd, stdout: 'pipe', stderr: 'pipe', env: definedOnly(env) });
  const result = await child;
  if (result.exitCode !== 0) return `crate cache: \`kache report\` failed (${String(result.stderr).trim().split('\n').at(-1) || `exit ${result.exitCode}`}), so this task cannot say what kache did`;
  return summarize(ownedBy(parseKacheReport(String(result.stdout), run.shared ? run.startedAt : undefined), only));
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** One slice of the report's `traceEvents`: every event kache logged, passthroughs included. */
interface KacheTraceEvent {
  ph?: string;
  ts?: number;
  args?: { crate_name?: string; package?: string; result?: string; reason?: string };
}

/** One row of the report's `all_events`: hits, misses, dups and errors, with why a compile was not stored. */
interface KacheEventDetail {
  crate_name?: string;
  package?: string;
  result?: string;
  start_unix_ms?: number;
  store_error?: string;
}

/**
 * The units of a `kache report --format json`, counted as kache's own
 * `summary` counts them: hits (local, prefetch, remote) are restored, misses
 * and dups compiled, passthroughs passed through except probes
 * (`not-a-compile`, kache's `probes`). Not cached: errors, skipped stores
 * and compiles whose store failed (`store_error`, kache's `store_failures`).
 * `all_events` leaves passthroughs and skips out, so the units come from
 * `traceEvents`. `since` (epoch ms) keeps only events that started then or later.
 */
export function parseKacheReport(json: string, since?: number): UnitEvent[] {
  const report = JSON.parse(json) as { traceEvents?: KacheTraceEvent[]; all_events?: KacheEventDetail[] };
  const label = (event: { crate_name?: string; package?: string }) => (event.package ? `${event.package}/${event.crate_name}` : event.crate_name);
  const units: UnitEvent[] = [];
  for (const event of report.traceEvents ?? []) {
    if (event.ph !== 'X' || !event.args || (since !== undefined && (event.ts ?? 0) < since * 1000)) continue;
    const { result, reason = '' } = event.args;
    const crate = label(event.args);
    if (result === 'local_hit' || result === 'prefetch_hit' || result === 'remote_hit') units.push({ crate, outcome: 'restored' });
    else if (result === 'miss' || result === 'dup') units.push({ crate, outcome: 'compiled' });
    else if (result === 'passthrough' && reason.split('|')[0].trim() !== 'not-a-compile') units.push({ crate, outcome: 'passed through', reason });
    else if (result === 'error' || result === 'skipped') units.push({ crate, outcome: 'not cached', reason: reason || result });
  }
  for (const event of report.all_events ?? []) {
    if (!event.store_error || (event.result !== 'miss' && event.result !== 'dup') || (since !== undefined && (event.start_unix_ms ?? 0) < since)) continue;
    units.push({ crate: label(event), outcome: 'not cached', reason: event.store_error });
  }
  return units;
}
