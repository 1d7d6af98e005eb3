import assert from 'node:assert/strict';
import { test } from 'node:test';
import { remoteConfigFromEnv } from './config.js';
import { generateSigningKey } from './signing.js';

const reader = generateSigningKey();
const writer = generateSigningKey();

test('no bucket and no folder: no remote', () => {
  assert.equal(remoteConfigFromEnv({}), undefined);
});

test('S3: endpoint, region, bucket and prefix; reading only by default', () => {
  const config = remoteConfigFromEnv({
    NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'ci-cache',
    NX_CARGO_CRATE_CACHE_REMOTE_ENDPOINT: 'http://127.0.0.1:9000',
    NX_CARGO_CRATE_CACHE_REMOTE_REGION: 'eu-west-1',
    NX_CARGO_CRATE_CACHE_REMOTE_PREFIX: 'team/rust',
    NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: `${reader.publicKey}, ${writer.publicKey}`,
  });
  assert.deepEqual(config?.location, { kind: 's3', bucket: 'ci-cache', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', pathStyle: true });
  assert.equal(config?.prefix, 'team/rust/');
  assert.equal(config?.signing, undefined);
  assert.deepEqual(config?.trusted.map((key) => key.id), [reader.publicKey, writer.publicKey]);
  // AWS itself: virtual-hosted addressing, the SDK's region variables.
  const aws = remoteConfigFromEnv({ NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b', AWS_REGION: 'us-west-2', NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: reader.publicKey });
  assert.deepEqual(aws?.location, { kind: 's3', bucket: 'b', endpoint: undefined, region: 'us-west-2', pathStyle: false });
  assert.equal(aws?.prefix, 'nx-cargo/');
});

test('writing is switched on explicitly, needs a signing key, and trusts its own key', () => {
  const base = { NX_CARGO_CRATE_CACHE_REMOTE_DIR: '/mnt/cache', NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: reader.publicKey };
  assert.equal(remoteConfigFromEnv({ ...base, NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY: writer.privateKeyPem })?.signing, undefined);
  assert.throws(() => remoteConfigFromEnv({ ...base, NX_CARGO_CRATE_CACHE_REMOTE_WRITE: 'true' }), /NX_CARGO_CRATE_CACHE_REMOTE_WRITE: writing needs a signing key/);
  const config = remoteConfigFromEnv({ ...base, NX_CARGO_CRATE_CACHE_REMOTE_WRITE: '1', NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY: writer.privateKeyPem });
  assert.equal(config?.signing?.publicKey.id, writer.publicKey);
  assert.deepEqual(config?.trusted.map((key) => key.id), [reader.publicKey, writer.publicKey]);
  assert.deepEqual(config?.location, { kind: 'folder', dir: '/mnt/cache' });
});

test('unusable settings are errors that name the variable', () => {
  const keys = { NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: reader.publicKey };
  assert.throws(() => remoteConfigFromEnv({ NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b' }), /NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: no trusted public key/);
  assert.throws(() => remoteConfigFromEnv({ ...keys, NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b', NX_CARGO_CRATE_CACHE_REMOTE_DIR: '/x' }), /not both/);
  assert.throws(() => remoteConfigFromEnv({ ...keys, NX_CARGO_CRATE_CACHE_REMOTE_DIR: 'relative' }), /_DIR: expected an absolute path/);
  assert.throws(() => remoteConfigFromEnv({ ...keys, NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b', NX_CARGO_CRATE_CACHE_REMOTE_ENDPOINT: 'localhost:9000' }), /_ENDPOINT: expected an http\(s\) URL/);
  assert.throws(() => remoteConfigFromEnv({ NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b', NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: 'abc' }), /_TRUSTED_KEYS: not an Ed25519 public key/);
  assert.throws(() => remoteConfigFromEnv({ ...keys, NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b', NX_CARGO_CRATE_CACHE_REMOTE_TIMEOUT_MS: '-1' }), /_TIMEOUT_MS: expected a positive whole number/);
  assert.throws(() => remoteConfigFromEnv({ ...keys, NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: 'b', NX_CARGO_CRATE_CACHE_REMOTE_WRITE: 'maybe' }), /_WRITE: expected true or false/);
});
