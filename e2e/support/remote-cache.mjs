// A real S3 remote for the crate cache's e2e tests: moto on 127.0.0.1,
// started by the test (installed on first use, see servers.ts), buckets made
// with the AWS SDK, and the environment that makes a build read or write it.
// The raw bucket operations (list, get, put without a condition, delete)
// are what an attacker with the bucket's credentials can do.
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createServer } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tools/support/installed-packages.mjs';

// The SDK's Node-version notice would fill the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dist = (path) => join(REPO_ROOT, 'packages/crate-cache/dist', path);
const { MOTO_CREDENTIALS, motoPython, startFaultProxy, startMoto } = await import(dist('remote/testing/servers.js'));
const { generateSigningKey, parsePrivateKey } = await import(dist('remote/signing.js'));
const { signRecord, RECORD_FORMAT } = await import(dist('remote/record.js'));
export { startFaultProxy, RECORD_FORMAT };

/** A record's text as a writer holding `pair`'s private key would upload it. */
export function signedRecord(body, pair) {
  return signRecord(body, parsePrivateKey(pair.privateKeyPem));
}

/** The key main's CI signs with (readers trust it), and one nobody trusts. */
export const TRUSTED = generateSigningKey();
export const STRANGER = generateSigningKey();
export const PREFIX = 'crates/';

/** Starts moto for a test file; `skip` says why when Python's venv/pip is missing. */
export async function startRemote() {
  const found = motoPython();
  if ('unavailable' in found) return { skip: found.unavailable, stop: async () => {} };
  const moto = await startMoto(found.python);
  return { endpoint: moto.endpoint, stop: () => moto.stop() };
}

/** The environment of a build that reads the remote (and writes it, signed with `signWith`). */
export function remoteEnv({ endpoint, bucket, signWith, extra = {} }) {
  return {
    ...MOTO_CREDENTIALS,
    NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: bucket,
    NX_CARGO_CRATE_CACHE_REMOTE_ENDPOINT: endpoint,
    NX_CARGO_CRATE_CACHE_REMOTE_PREFIX: PREFIX,
    NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: TRUSTED.publicKey,
    // Two test files building at once on 2 cores can keep moto (Python) from answering for seconds; the fault tests set their own.
    NX_CARGO_CRATE_CACHE_REMOTE_TIMEOUT_MS: '30000',
    ...(signWith ? { NX_CARGO_CRATE_CACHE_REMOTE_WRITE: 'true', NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY: signWith.privateKeyPem } : {}),
    ...extra,
  };
}

/** A bucket, with the raw operations of whoever holds its credentials. */
export class Bucket {
  constructor(endpoint, name) {
    this.name = name;
    this.s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
  }

  static async create(endpoint, name) {
    const bucket = new Bucket(endpoint, name);
    await bucket.s3.send(new CreateBucketCommand({ Bucket: name }));
    return bucket;
  }

  async list(prefix = '') {
    const names = [];
    let token;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.name, Prefix: `${PREFIX}${prefix}`, ContinuationToken: token }));
      names.push(...(page.Contents ?? []).map((object) => object.Key.slice(PREFIX.length)));
      token = page.NextContinuationToken;
    } while (token);
    return names;
  }

  async get(name) {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.name, Key: `${PREFIX}${name}` }));
    return Buffer.from(await object.Body.transformToByteArray());
  }

  /** An unconditional PUT: replaces whatever is there. */
  async put(name, body) {
    await this.s3.send(new PutObjectCommand({ Bucket: this.name, Key: `${PREFIX}${name}`, Body: body }));
  }

  async delete(name) {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.name, Key: `${PREFIX}${name}` }));
  }
}

/** A port nothing listens on: a remote that is down. */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The store's events of one run. */
export function storeEvents(store, session) {
  const file = join(store, 'events', 'log.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((event) => session === undefined || event.session === session);
}

/** The local entries of a store, parsed. */
export function storeEntries(store) {
  const dir = join(store, 'entries');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((shard) => readdirSync(join(dir, shard)).map((name) => JSON.parse(readFileSync(join(dir, shard, name), 'utf8'))));
}

/** The source set a local store recorded for `key` under `baseKey`. */
export function storeCandidate(store, baseKey, key) {
  const manifest = JSON.parse(readFileSync(join(store, 'manifests', baseKey.slice(0, 2), `${baseKey}.json`), 'utf8'));
  return manifest.candidates.find((candidate) => candidate.key === key);
}

export function storeBlob(store, blob) {
  return readFileSync(join(store, 'blobs', blob.slice(0, 2), blob.slice(2)));
}

/**
 * Waits until the store's cache servers have stored and uploaded everything
 * (what the executor does when a task's cargo run ends); returns the CLI's
 * report.
 */
export async function flushStore(store) {
  const { CACHE_CLI } = await import('./crate-cache-scenario.mjs');
  const { execFileSync } = await import('node:child_process');
  return execFileSync(process.execPath, [CACHE_CLI, 'flush'], { env: { ...process.env, NX_CARGO_CRATE_CACHE_DIR: store }, encoding: 'utf8' });
}
