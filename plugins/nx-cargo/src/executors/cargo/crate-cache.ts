import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultStoreRoot, ensureNativeClient, flushServer, NativeClientError, openStore, which, type CacheEvent, type NotStored } from '@nx-cargo/crate-cache';
import { spawnProcessGroup } from '../../process-group.js';
import { NxCargoError } from '../../errors.js';
import { say } from '../../messages.js';

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

/** The crateCache option cannot be honoured; the message says why and what to change. */
export class CrateCacheError extends NxCargoError {}

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
  const store = openStore(env, 'read');
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
      say.warn(`crate cache: ${error.reason}, so every rustc call starts Node (about 1.4x a cold build). ${error.fix}.`);
    }
    return { wrapper: join(dirname(require.resolve('@nx-cargo/crate-cache/package.json')), 'bin', 'nx-cargo-rustc') };
  }
}

/**
 * What the cache did with a unit, as both caches report it. 'not cached'
 * comes besides another outcome: a unit compiled but not stored, or whose
 * lookup failed so it was compiled without the cache. The remote's outcomes
 * come besides the unit's too: a record 'rejected' (the unit then compiled),
 * a 'remote failed' call, an entry 'uploaded' or 'not uploaded'.
 */
export interface UnitEvent {
  crate?: string;
  outcome: 'restored' | 'compiled' | 'passed through' | 'not cached' | 'rejected' | 'remote failed' | 'uploaded' | 'not uploaded' | 'other';
  reason?: string;
  /** A unit restored from the remote (bytes and time when the cache says), or the size and time of an upload. */
  remote?: { bytes?: number; ms?: number };
}

/** `crate cache: 46 restored (40 from remote, 61 MB in 2.1 s), 3 compiled, 0 passed through`, then what went wrong or was uploaded. */
export function summarize(units: readonly UnitEvent[]): string | undefined {
  if (units.length === 0) return undefined;
  const of = (outcome: UnitEvent['outcome']) => units.filter((u) => u.outcome === outcome);
  const restored = of('restored');
  const fromRemote = restored.filter((u) => u.remote);
  const fetched = transferred(fromRemote);
  const line = `crate cache: ${restored.length} restored${fromRemote.length > 0 ? ` (${fromRemote.length} from remote${fetched ? `, ${fetched}` : ''})` : ''}, ${of('compiled').length} compiled, ${of('passed through').length} passed through`;
  const notes: string[] = [];
  const notCached = of('not cached');
  if (notCached.length > 0) notes.push(`${notCached.length} not cached (${notCached[0].reason})`);
  const rejected = of('rejected');
  if (rejected.length > 0) notes.push(`${rejected.length} remote ${rejected.length === 1 ? 'record' : 'records'} rejected (${rejected[0].reason?.replace(/^remote (record|entry) rejected: /, '')})`);
  const failed = of('remote failed');
  const runNote = failed.find((u) => /^remote (skipped|not used)/.test(u.reason ?? ''));
  if (runNote) notes.push(runNote.reason as string);
  else if (failed.length > 0) notes.push(`${failed.length} remote ${failed.length === 1 ? 'call' : 'calls'} failed (${failed[0].reason?.replace(/^remote call failed: /, '')})`);
  const uploaded = of('uploaded');
  if (uploaded.length > 0) notes.push(`${uploaded.length} uploaded to the remote (${transferred(uploaded)})`);
  const notUploaded = of('not uploaded');
  if (notUploaded.length > 0) notes.push(`${notUploaded.length} not uploaded (${notUploaded[0].reason})`);
  return [line, ...notes].join('; ');
}

/** `61 MB in 2.1 s`, or '' when the sizes are not known. */
function transferred(units: readonly UnitEvent[]): string {
  if (units.length === 0 || units.some((u) => u.remote?.bytes === undefined)) return '';
  const bytes = units.reduce((sum, u) => sum + (u.remote?.bytes ?? 0), 0);
  const ms = units.reduce((sum, u) => sum + (u.remote?.ms ?? 0), 0);
  const mb = bytes / 1e6;
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s`;
}

const BUILTIN_OUTCOMES: Record<CacheEvent['result'], UnitEvent['outcome']> = {
  hit: 'restored',
  miss: 'compiled',
  passthrough: 'passed through',
  error: 'not cached',
  damaged: 'other',
  rejected: 'rejected',
  'remote-error': 'remote failed',
  uploaded: 'uploaded',
  'not-uploaded': 'not uploaded',
};

/** A damaged entry is followed by the miss that recompiles it, which is what counts; so is a rejected remote record. */
function fromBuiltin(event: CacheEvent): UnitEvent {
  const remote = event.result === 'hit' ? event.remote : event.result === 'uploaded' ? { bytes: event.bytes ?? 0, ms: event.ms } : undefined;
  return { crate: event.crateName, outcome: BUILTIN_OUTCOMES[event.result] ?? 'other', reason: event.reason, ...(remote ? { remote } : {}) };
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
  const { child } = await spawnProcessGroup(kache, ['report', '--format', 'json', '--root', run.root, '--since', window], { cwd: run.cwd, stdout: 'pipe', stderr: 'pipe', env });
  const result = await child;
  if (result.exitCode !== 0) return `crate cache: \`kache report\` failed (${String(result.stderr).trim().split('\n').at(-1) || `exit ${result.exitCode}`}), so this task cannot say what kache did`;
  return summarize(ownedBy(parseKacheReport(String(result.stdout), run.shared ? run.startedAt : undefined), only));
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
    // kache's own S3 remote: its report names the hits it fetched, not their size.
    if (result === 'remote_hit') units.push({ crate, outcome: 'restored', remote: {} });
    else if (result === 'local_hit' || result === 'prefetch_hit') units.push({ crate, outcome: 'restored' });
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
