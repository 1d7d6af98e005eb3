import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePrivateKey, parsePublicKey, type SigningKey, type TrustedKey } from './signing.js';

/** A remote setting that cannot be used; the message names the variable and why. */
export class RemoteConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'RemoteConfigError';
  }
}

export interface S3Location {
  kind: 's3';
  bucket: string;
  /** A custom endpoint (R2, MinIO, Ceph, GCS's S3 interface); AWS when absent. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  pathStyle: boolean;
}

export interface FolderLocation {
  kind: 'folder';
  dir: string;
}

/** Where the remote lives, how reads are trusted, and whether this machine writes. */
export interface RemoteConfig {
  location: S3Location | FolderLocation;
  /** Object names start with this (`nx-cargo/` by default), so one bucket can hold several caches. */
  prefix: string;
  /** Public keys whose signatures readers accept; a writer trusts its own key too. */
  trusted: TrustedKey[];
  /** Present only when writing is switched on: the key every uploaded record is signed with. */
  signing?: SigningKey;
  /** Per request: connecting, and each wait for data. */
  timeoutMs: number;
  /** Failed remote calls in one run after which the remote is skipped for the rest of it. */
  maxFailures: number;
  /** Entries uploaded at once. */
  uploadConcurrency: number;
  /** Test-only: accept records whatever their signature, for the negative control of the poisoning tests. */
  unverified: boolean;
}

const PREFIX = 'NX_CARGO_CRATE_CACHE_REMOTE';
const DEFAULT_PREFIX = 'nx-cargo/';
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_FAILURES = 3;
const DEFAULT_UPLOADS = 8;

/**
 * The remote configured in `env`, or undefined when none is. Reading is the
 * default; writing needs `_WRITE=true` and a signing key. A remote with no
 * trusted key and no signing key could only ever miss, so it is an error.
 */
export function remoteConfigFromEnv(env: NodeJS.ProcessEnv): RemoteConfig | undefined {
  const bucket = value(env, 'BUCKET');
  const dir = value(env, 'DIR');
  if (!bucket && !dir) return undefined;
  if (bucket && dir) throw new RemoteConfigError(`${PREFIX}_BUCKET`, `set either ${PREFIX}_BUCKET (S3) or ${PREFIX}_DIR (a shared folder), not both`);
  const location = bucket ? s3Location(env, bucket) : folderLocation(dir as string);
  const write = flag(env, 'WRITE');
  const signing = write ? signingKey(env) : undefined;
  const trusted = trustedKeys(env);
  if (signing && !trusted.some((key) => key.id === signing.publicKey.id)) trusted.push(signing.publicKey);
  const unverified = env.NX_CARGO_CRATE_CACHE_TEST_REMOTE_VERIFY === 'off';
  if (trusted.length === 0 && !unverified) {
    throw new RemoteConfigError(`${PREFIX}_TRUSTED_KEYS`, 'no trusted public key: a reader accepts only records signed by a key it trusts (`nx-cargo-crate-cache keygen` makes a pair)');
  }
  return {
    location,
    prefix: prefixOf(value(env, 'PREFIX') ?? DEFAULT_PREFIX),
    trusted,
    signing,
    timeoutMs: positive(env, 'TIMEOUT_MS', DEFAULT_TIMEOUT_MS),
    maxFailures: positive(env, 'MAX_FAILURES', DEFAULT_MAX_FAILURES),
    uploadConcurrency: positive(env, 'UPLOADS', DEFAULT_UPLOADS),
    unverified,
  };
}

/** What tells two configurations apart, secrets left out: one remote client per distinct value in a process. */
export function configIdentity(config: RemoteConfig): string {
  const { location, prefix, trusted, signing, timeoutMs, maxFailures, uploadConcurrency, unverified } = config;
  return JSON.stringify({ location, prefix, trusted: trusted.map((key) => key.id).sort(), signer: signing?.publicKey.id, timeoutMs, maxFailures, uploadConcurrency, unverified });
}

function s3Location(env: NodeJS.ProcessEnv, bucket: string): S3Location {
  const endpoint = value(env, 'ENDPOINT');
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint)) throw new RemoteConfigError(`${PREFIX}_ENDPOINT`, `expected an http(s) URL, got ${JSON.stringify(endpoint)}`);
  const region = value(env, 'REGION') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const pathStyleText = value(env, 'PATH_STYLE');
  const pathStyle = pathStyleText === undefined ? endpoint !== undefined : parseFlag(`${PREFIX}_PATH_STYLE`, pathStyleText);
  return { kind: 's3', bucket, endpoint, region, pathStyle };
}

function folderLocation(dir: string): FolderLocation {
  if (!dir.startsWith('/')) throw new RemoteConfigError(`${PREFIX}_DIR`, `expected an absolute path, got ${JSON.stringify(dir)}`);
  return { kind: 'folder', dir: resolve(dir) };
}

/** `_SIGNING_KEY` (the PEM text, as CI secrets are given) or `_SIGNING_KEY_FILE`. */
function signingKey(env: NodeJS.ProcessEnv): SigningKey {
  const text = value(env, 'SIGNING_KEY');
  const file = value(env, 'SIGNING_KEY_FILE');
  const variable = text ? `${PREFIX}_SIGNING_KEY` : `${PREFIX}_SIGNING_KEY_FILE`;
  if (!text && !file) throw new RemoteConfigError(`${PREFIX}_WRITE`, `writing needs a signing key: set ${PREFIX}_SIGNING_KEY or ${PREFIX}_SIGNING_KEY_FILE`);
  try {
    return parsePrivateKey(text ?? readFileSync(file as string, 'utf8'));
  } catch (error) {
    throw new RemoteConfigError(variable, (error as Error).message);
  }
}

/** Keys separated by commas or white space. */
function trustedKeys(env: NodeJS.ProcessEnv): TrustedKey[] {
  const text = value(env, 'TRUSTED_KEYS') ?? '';
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((token) => {
      try {
        return parsePublicKey(token);
      } catch (error) {
        throw new RemoteConfigError(`${PREFIX}_TRUSTED_KEYS`, (error as Error).message);
      }
    });
}

function prefixOf(text: string): string {
  const trimmed = text.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[`${PREFIX}_${name}`]?.trim();
  return text ? text : undefined;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const text = value(env, name);
  return text === undefined ? false : parseFlag(`${PREFIX}_${name}`, text);
}

function parseFlag(variable: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new RemoteConfigError(variable, `expected true or false, got ${JSON.stringify(text)}`);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = value(env, name);
  if (text === undefined) return fallback;
  const number = Number(text);
  if (!Number.isSafeInteger(number) || number <= 0) throw new RemoteConfigError(`${PREFIX}_${name}`, `expected a positive whole number, got ${JSON.stringify(text)}`);
  return number;
}
