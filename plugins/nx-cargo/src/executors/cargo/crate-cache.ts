import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
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
  if (kache) return { kind: 'kache', env: { RUSTC_WRAPPER: kache }, summary: (only) => kacheSummary(kache, workspaceDir, only) };
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
  return units.filter((unit) => unit.crate === only.package || unit.crate?.startsWith(`${only.package}/`));
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

/** kache's own record: `kache report --format json`, `all_events[].crate_name` and `result`. */
async function kacheSummary(kache: string, workspaceDir: string, only: { package: string } | undefined): Promise<string | undefined> {
  const { child } = await spawnProcessGroup(kache, ['report', '--format', 'json'], { cwd: workspaceDir, stdout: 'pipe', stderr: 'pipe' });
  const result = await child;
  if (result.exitCode !== 0) return undefined;
  return summarize(ownedBy(parseKacheReport(String(result.stdout)), only));
}

export function parseKacheReport(json: string): UnitEvent[] {
  const report = JSON.parse(json) as { all_events?: Array<{ crate_name?: string; result?: string }> };
  return (report.all_events ?? []).map((e) => ({
    crate: e.crate_name,
    outcome: e.result === 'local_hit' || e.result === 'remote_hit' ? 'restored' : e.result === 'miss' ? 'compiled' : e.result === 'passthrough' ? 'passed through' : 'other',
  }));
}
