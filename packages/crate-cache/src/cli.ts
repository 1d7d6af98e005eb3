import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { ensureNativeClient, NativeClientError, PACKAGE_ROOT } from './native-client.js';
import { flushServer } from './server/flush.js';
import { generateSigningKey } from './remote/index.js';
import { readdirIfExists } from './fs-util.js';
import { openStore } from './open-store.js';
import { defaultStoreRoot, parseSize, type CacheEvent } from './store/index.js';

const USAGE = `usage: nx-cargo-crate-cache <command> [--json]

  stats             entries, size, and hit/miss/pass-through counts
  why-miss <crate>  what changed for the crate's last compiles (package or crate name)
  gc [--max-size S] evict least recently used entries down to S (default NX_CARGO_CRATE_CACHE_MAX_SIZE or 10G)
  flush             wait until the cache servers have stored (and uploaded) what they still hold
                    (for scripts that remove target/ or end a CI job right after a build)
  keygen            print a new Ed25519 key pair for the remote: the private key (PEM) for
                    NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY, the public key for ..._TRUSTED_KEYS
  clear             remove every entry
  wrapper           print the RUSTC_WRAPPER to give cargo (the native client, built on first use),
                    e.g. export RUSTC_WRAPPER="$(nx-cargo-crate-cache wrapper)"

The store is NX_CARGO_CRATE_CACHE_DIR (default ~/.cache/nx-cargo/crates).`;

export interface CliResult {
  code: number;
  stdout: string;
  /** Warnings for a person, kept off stdout so `$(...)` gets only the answer. */
  stderr?: string;
}

/** The CLI without process globals, so tests call it directly. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, 'max-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [command, ...rest] = positionals;
  if (values.help || !command) return { code: values.help ? 0 : 2, stdout: `${USAGE}\n` };
  const root = defaultStoreRoot(env);
  const store = openStore(env, 'read');
  const json = values.json === true;
  switch (command) {
    case 'stats': {
      const stats = await store.stats();
      if (json) return ok({ root, ...stats });
      const e = stats.events;
      const r = stats.remote;
      const fromRemote = r.hits > 0 ? ` (${r.hits} from the remote, ${formatBytes(r.bytes)} in ${formatSeconds(r.ms)})` : '';
      const remote = r.hits + r.uploads + e.rejected + e['remote-error'] + e['not-uploaded'] > 0 ? `remote: ${e.rejected} rejected, ${e['remote-error']} failed calls, ${r.uploads} uploaded (${formatBytes(r.uploadedBytes)}), ${e['not-uploaded']} not uploaded\n` : '';
      return { code: 0, stdout: `store ${root}\n${stats.entries} entries, ${stats.blobs} blobs, ${formatBytes(stats.bytes)}\nrestored ${e.hit}${fromRemote}, compiled ${e.miss}, passed through ${e.passthrough}, damaged ${e.damaged}, errors ${e.error} (hit rate ${(stats.hitRate * 100).toFixed(1)}%)\n${remote}` };
    }
    case 'why-miss': {
      const crate = rest[0];
      if (!crate) return { code: 2, stdout: `why-miss needs a crate name\n${USAGE}\n` };
      return whyMiss(await store.readEvents(), crate, json);
    }
    case 'gc': {
      const result = await store.gc({ maxBytes: parseSize(values['max-size'] ?? env.NX_CARGO_CRATE_CACHE_MAX_SIZE ?? '10G') });
      return json ? ok(result) : { code: 0, stdout: `removed ${result.removedEntries} entries and ${result.removedBlobs} blobs, freed ${formatBytes(result.freedBytes)}\n` };
    }
    case 'wrapper':
      return wrapper(root, env, json);
    case 'flush':
      return flush(root, json);
    case 'keygen': {
      const pair = generateSigningKey();
      if (json) return ok(pair);
      return { code: 0, stdout: `${pair.privateKeyPem.trim()}\n\npublic key (for NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS): ${pair.publicKey}\n`, stderr: 'nx-cargo-crate-cache: keep the private key secret (a CI secret on protected branches only); readers need only the public key\n' };
    }
    case 'clear':
      await store.clear();
      return json ? ok({ cleared: root }) : { code: 0, stdout: `cleared ${root}\n` };
    default:
      return { code: 2, stdout: `unknown command ${command}\n${USAGE}\n` };
  }
}

/** Waits for every server of the store; reports the stores that failed and that the event log could not take. */
async function flush(root: string, json: boolean): Promise<CliResult> {
  const sockets = (await readdirIfExists(root)).filter((name) => /^server-[0-9a-f]+\.sock$/.test(name));
  const notStored = [];
  for (const socket of sockets) notStored.push(...((await flushServer(path.join(root, socket), ''))?.notStored ?? []));
  if (json) return ok({ servers: sockets.length, notStored });
  const failures = notStored.map((failure) => `  ${failure.crate}: ${failure.reason}\n`).join('');
  return { code: 0, stdout: `flushed ${sockets.length} cache server${sockets.length === 1 ? '' : 's'}\n${failures}` };
}

/** The native client when it can be built, else the in-process wrapper with the reason on stderr. */
async function wrapper(root: string, env: NodeJS.ProcessEnv, json: boolean): Promise<CliResult> {
  try {
    const client = await ensureNativeClient(root, env);
    return json ? ok({ wrapper: client.wrapper, native: true }) : { code: 0, stdout: `${client.wrapper}\n` };
  } catch (error) {
    if (!(error instanceof NativeClientError)) throw error;
    const fallback = path.join(PACKAGE_ROOT, 'bin', 'nx-cargo-rustc');
    const stderr = `nx-cargo-crate-cache: ${error.message}; the in-process wrapper starts Node for every rustc call (~1.4x a cold build)\n`;
    return json ? { ...ok({ wrapper: fallback, native: false, reason: error.message }), stderr } : { code: 0, stdout: `${fallback}\n`, stderr };
  }
}

/** Events that say nothing about why a unit was compiled. */
const NOT_MISSES = new Set<CacheEvent['result']>(['hit', 'uploaded', 'not-uploaded']);

/** The crate's latest events: for each compile, the key parts that changed since its previous entry. */
function whyMiss(events: CacheEvent[], crate: string, json: boolean): CliResult {
  const wanted = crate.replace(/-/g, '_');
  // Units are labelled `<package>` or `<package>/<crate>` (a build script, a binary named otherwise): either part answers.
  const matches = (name: string | undefined) => name !== undefined && [name, ...name.split('/')].some((n) => n === crate || n.replace(/-/g, '_') === wanted);
  const own = events.filter((e) => matches(e.crateName) && !NOT_MISSES.has(e.result)).slice(-5);
  const lastHit = events.filter((e) => matches(e.crateName) && e.result === 'hit').pop();
  if (json) return ok({ crate, events: own, lastHit });
  const from = lastHit?.remote ? ' from the remote' : '';
  if (own.length === 0) return { code: 1, stdout: lastHit ? `${crate}: no miss recorded; last restored${from} ${new Date(lastHit.at).toISOString()}\n` : `${crate}: no events recorded in this store\n` };
  const lines = own.map((e) => `${new Date(e.at).toISOString()} ${e.crateName} ${e.result}: ${e.reason ?? ''}`.replace(/; /g, '\n    '));
  return { code: 0, stdout: `${lines.join('\n')}\n` };
}

function ok(value: unknown): CliResult {
  return { code: 0, stdout: `${JSON.stringify(value, null, 2)}\n` };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
