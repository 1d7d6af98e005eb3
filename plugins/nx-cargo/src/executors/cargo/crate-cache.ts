import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CrateStore, defaultStoreRoot, ensureNativeClient, NativeClientError, which, type CacheEvent } from '@nx-cargo/crate-cache';
import { spawnProcessGroup } from './cargo-process.js';

/** The executor's `crateCache` option: which rustc cache runs under cargo. */
export type CrateCacheOption = 'auto' | 'kache' | 'builtin' | 'off';

/** What the option resolved to, the environment cargo gets, and how to tell what the cache did. */
export interface CrateCache {
  kind: 'user' | 'kache' | 'builtin' | 'off';
  env: Record<string, string>;
  /** `crate cache: 46 restored, 3 compiled, 2 passed through` for the units of this cargo run so far. */
  summary(): Promise<string | undefined>;
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
  if (kache) return { kind: 'kache', env: { RUSTC_WRAPPER: kache }, summary: () => kacheSummary(kache, workspaceDir) };
  const session = randomUUID();
  const storeRoot = defaultStoreRoot(env);
  return {
    kind: 'builtin',
    env: { RUSTC_WRAPPER: await builtinWrapper(storeRoot, env), NX_CARGO_CRATE_CACHE_DIR: storeRoot, NX_CARGO_CRATE_CACHE_NODE: process.execPath, NX_CARGO_CRATE_CACHE_WORKSPACE: workspaceDir, NX_CARGO_CRATE_CACHE_SESSION: session },
    summary: async () => summarize((await new CrateStore({ root: storeRoot }).readEvents({ session })).map(fromBuiltin)),
  };
}

/** Said once per process: a batch of many tasks needs to hear it once. */
let slowPathReported = false;

/**
 * The native client of @nx-cargo/crate-cache (built on first use), else its
 * in-process wrapper, which starts Node for every rustc call: then the task
 * says why, what it costs and how to fix it.
 */
async function builtinWrapper(storeRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await ensureNativeClient(storeRoot, env)).wrapper;
  } catch (error) {
    if (!(error instanceof NativeClientError)) throw error;
    if (!slowPathReported) {
      slowPathReported = true;
      console.warn(`nx-cargo: crate cache: ${error.reason}, so every rustc call starts Node (about 1.4x a cold build). ${error.fix}.`);
    }
    return join(dirname(require.resolve('@nx-cargo/crate-cache/package.json')), 'bin', 'nx-cargo-rustc');
  }
}

/** One event per unit, as both caches report them. */
export interface UnitEvent {
  crate?: string;
  outcome: 'restored' | 'compiled' | 'passed through' | 'other';
}

export function summarize(units: readonly UnitEvent[]): string | undefined {
  if (units.length === 0) return undefined;
  const count = (outcome: UnitEvent['outcome']) => units.filter((u) => u.outcome === outcome).length;
  return `crate cache: ${count('restored')} restored, ${count('compiled')} compiled, ${count('passed through')} passed through`;
}

function fromBuiltin(event: CacheEvent): UnitEvent {
  const outcome = event.result === 'hit' ? 'restored' : event.result === 'miss' || event.result === 'damaged' ? 'compiled' : event.result === 'passthrough' ? 'passed through' : 'other';
  return { crate: event.crateName, outcome };
}

/** kache's own record: `kache report --format json`, `all_events[].crate_name` and `result`. */
async function kacheSummary(kache: string, workspaceDir: string): Promise<string | undefined> {
  const { child } = await spawnProcessGroup(kache, ['report', '--format', 'json'], { cwd: workspaceDir, stdout: 'pipe', stderr: 'pipe' });
  const result = await child;
  if (result.exitCode !== 0) return undefined;
  return summarize(parseKacheReport(String(result.stdout)));
}

export function parseKacheReport(json: string): UnitEvent[] {
  const report = JSON.parse(json) as { all_events?: Array<{ crate_name?: string; result?: string }> };
  return (report.all_events ?? []).map((e) => ({
    crate: e.crate_name,
    outcome: e.result === 'local_hit' || e.result === 'remote_hit' ? 'restored' : e.result === 'miss' ? 'compiled' : e.result === 'passthrough' ? 'passed through' : 'other',
  }));
}
