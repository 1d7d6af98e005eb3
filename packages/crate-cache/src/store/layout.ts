import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError } from './errors.js';

const HEX = /^[0-9a-f]+$/;

/**
 * `NX_CARGO_CRATE_CACHE_DIR`, else `$XDG_CACHE_HOME/nx-cargo/crates`, else
 * `~/.cache/nx-cargo/crates`. A relative XDG_CACHE_HOME is ignored, as the XDG
 * spec requires.
 */
export function defaultStoreRoot(env: NodeJS.ProcessEnv): string {
  if (env.NX_CARGO_CRATE_CACHE_DIR) return resolve(env.NX_CARGO_CRATE_CACHE_DIR);
  return join(nxCargoCacheHome(env), 'crates');
}

/** `$XDG_CACHE_HOME/nx-cargo` (an absolute XDG_CACHE_HOME only, as the XDG spec requires), else `~/.cache/nx-cargo`. */
export function nxCargoCacheHome(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.cache'), 'nx-cargo');
}

/**
 * Where everything lives under the store root. Keys and names are checked here
 * because they become file names: a malformed one must not reach outside root.
 */
export class StoreLayout {
  readonly blobs: string;
  readonly entries: string;
  readonly manifests: string;
  readonly claims: string;
  readonly events: string;
  readonly last: string;
  /** All store temp files, named `<pid>-<random>` so gc can tell whether their writer is alive. */
  readonly tmp: string;
  /** Approximate total blob bytes, so writers can decide cheaply whether gc is due. */
  readonly counter: string;
  readonly gcLock: string;

  constructor(readonly root: string) {
    this.blobs = join(root, 'blobs');
    this.entries = join(root, 'entries');
    this.manifests = join(root, 'manifests');
    this.claims = join(root, 'claims');
    this.events = join(root, 'events');
    this.last = join(root, 'last');
    this.tmp = join(root, 'tmp');
    this.counter = join(root, 'bytes');
    this.gcLock = join(root, 'gc.lock');
  }

  blob(id: string): string {
    this.checkHex('blob id', id, 64, 64);
    return join(this.blobs, id.slice(0, 2), id.slice(2));
  }

  entry(key: string): string {
    this.checkHex('key', key, 2, 128);
    return join(this.entries, key.slice(0, 2), `${key}.json`);
  }

  manifest(baseKey: string): string {
    this.checkHex('base key', baseKey, 2, 128);
    return join(this.manifests, baseKey.slice(0, 2), `${baseKey}.json`);
  }

  claim(key: string): string {
    this.checkHex('key', key, 2, 128);
    return join(this.claims, `${key}.lock`);
  }

  /**
   * Callers name units freely (`pkg/crate#lib`), so the name is percent-encoded:
   * one file name that can never contain a path separator.
   */
  lastParts(crateName: string): string {
    const encoded = encodeURIComponent(crateName);
    if (encoded === '' || encoded.length > 200) {
      throw new StoreError(this.last, `invalid crate name ${JSON.stringify(crateName)}: empty or too long`);
    }
    return join(this.last, `${encoded}.json`);
  }

  /** A fresh temp file path inside the store (same filesystem, so rename is atomic). */
  temp(): string {
    return join(this.tmp, tempName());
  }

  private checkHex(what: string, value: string, min: number, max: number): void {
    if (value.length < min || value.length > max || !HEX.test(value)) {
      throw new StoreError(this.root, `invalid ${what} ${JSON.stringify(value)}: expected lowercase hex`);
    }
  }
}

/** `<pid>-<random>`: unique, and tells gc which process owns it. */
export function tempName(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** The writer pid of a name made by `tempName`. */
export function tempOwner(name: string): number | undefined {
  const match = /^(\d+)-[0-9a-f]{12}$/.exec(name);
  return match ? Number(match[1]) : undefined;
}
