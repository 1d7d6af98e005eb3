import { join } from 'node:path';
import { hash } from 'blake3';
import type { RemoteBackend } from './backend.js';
import { configIdentity, RemoteConfigError, remoteConfigFromEnv, type RemoteConfig } from './config.js';
import { FolderBackend } from './folder-backend.js';
import { RemoteHealth } from './health.js';
import { RemoteSession, type RemoteCache } from './remote-cache.js';
import { S3Backend } from './s3-backend.js';
import { UploadQueue } from './uploads.js';

export { generateSigningKey } from './signing.js';

/** One remote client and upload queue per configuration (and credentials) in a process: the cache server serves many runs. */
const caches = new Map<string, RemoteCache>();
/** Sessions keep their failure count and pending uploads; the server keeps the latest few. */
const sessions = new Map<string, RemoteSession>();
const MAX_SESSIONS = 64;

/**
 * The remote configured in `env` as the run `env` belongs to sees it, for
 * the store at `storeRoot`; undefined when no remote is configured. Throws
 * RemoteConfigError for a configuration that cannot be used.
 */
export function remoteFor(env: NodeJS.ProcessEnv, storeRoot: string): RemoteSession | undefined {
  const config = remoteConfigFromEnv(env);
  if (!config) return undefined;
  const identity = `${configIdentity(config)}\0${credentialIdentity(env)}`;
  let cache = caches.get(identity);
  if (!cache) {
    cache = { config, backend: backendFor(config, env), uploads: new UploadQueue(config.uploadConcurrency) };
    caches.set(identity, cache);
  }
  const session = env.NX_CARGO_CRATE_CACHE_SESSION ?? '';
  const id = `${identity}\0${storeRoot}\0${session}`;
  let found = sessions.get(id);
  if (!found) {
    found = new RemoteSession(cache, session, new RemoteHealth(join(storeRoot, 'remote'), session, config.maxFailures));
    sessions.set(id, found);
    if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
  }
  return found;
}

/**
 * The CrateStore options for the remote in `env`: the session, or why the
 * configuration cannot be used (the store logs it; the build goes on
 * without the remote).
 */
export function remoteOption(env: NodeJS.ProcessEnv, storeRoot: string): { remote?: RemoteSession; remoteProblem?: { session: string; reason: string } } {
  try {
    const remote = remoteFor(env, storeRoot);
    return remote ? { remote } : {};
  } catch (error) {
    if (!(error instanceof RemoteConfigError)) throw error;
    return { remoteProblem: { session: env.NX_CARGO_CRATE_CACHE_SESSION ?? '', reason: `remote not used: ${error.message}` } };
  }
}

/** Waits until the uploads of `session` ('' for all) are done, whichever remote they go to. */
export async function flushRemoteUploads(session: string): Promise<void> {
  await Promise.all([...caches.values()].map((cache) => cache.uploads.flush(session)));
}

function backendFor(config: RemoteConfig, env: NodeJS.ProcessEnv): RemoteBackend {
  const { location } = config;
  return location.kind === 's3' ? new S3Backend(location, config.prefix, config.timeoutMs, env) : new FolderBackend(join(location.dir, config.prefix));
}

/** Different credentials get different clients; the secrets themselves are not kept in the key. */
function credentialIdentity(env: NodeJS.ProcessEnv): string {
  const parts = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'].map((name) => env[name] ?? '');
  return hash(parts.join('\0')).toString('hex').slice(0, 16);
}
