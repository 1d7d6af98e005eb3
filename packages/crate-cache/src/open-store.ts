import { remoteOption } from './remote/index.js';
import { CrateStore, defaultStoreRoot, parseSize } from './store/index.js';

/**
 * The store as the environment sets it up, the one way every part opens it:
 * its root (NX_CARGO_CRATE_CACHE_DIR, else the XDG cache folder) and size
 * limit (NX_CARGO_CRATE_CACHE_MAX_SIZE, 10G by default); for `compile` (the
 * wrapper) also the remote (NX_CARGO_CRATE_CACHE_REMOTE_*), which readers of
 * the local store (stats, why-miss, gc, a task's summary line) never call.
 */
export function openStore(env: NodeJS.ProcessEnv, use: 'compile' | 'read'): CrateStore {
  const root = defaultStoreRoot(env);
  return new CrateStore({ root, maxBytes: parseSize(env.NX_CARGO_CRATE_CACHE_MAX_SIZE ?? '10G'), ...(use === 'compile' ? remoteOption(env, root) : {}) });
}
