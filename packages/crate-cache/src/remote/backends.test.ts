import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { tempDir } from '../store/testing/fixtures.js';
import { RemoteError, type RemoteBackend } from './backend.js';
import { FolderBackend } from './folder-backend.js';
import { S3Backend } from './s3-backend.js';
import { MOTO_CREDENTIALS, motoPython, startFaultProxy, startMoto, type MotoServer } from './testing/servers.js';

async function bytesOf(chunks: AsyncIterable<Buffer> | undefined): Promise<string | undefined> {
  if (!chunks) return undefined;
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

/** The contract every backend keeps; `overwrite` puts an object the way a writer with raw bucket access would. */
function contract(name: string, open: (t: import('node:test').TestContext) => Promise<{ backend: RemoteBackend; overwrite: (object: string, data: string) => Promise<void> }>) {
  describe(`${name} backend`, () => {
    it('creates, reads, streams and lists objects, newest first', async (t) => {
      const { backend } = await open(t);
      assert.equal(await backend.read('v1/records/aa/one.json'), undefined);
      assert.equal(await backend.openRead('v1/blobs/none'), undefined);
      assert.equal(await backend.exists('v1/records/aa/one.json'), false);
      assert.equal(await backend.create('v1/records/aa/one.json', { data: Buffer.from('first') }), 'created');
      // Listings order by modification time at whole-second precision (S3's LastModified).
      await sleep(1100);
      const dir = tempDir(t);
      writeFileSync(join(dir, 'blob'), 'blob bytes');
      assert.equal(await backend.create('v1/records/aa/two.json', { file: join(dir, 'blob'), size: 10 }), 'created');
      assert.equal((await backend.read('v1/records/aa/one.json'))?.toString(), 'first');
      assert.equal(await bytesOf(await backend.openRead('v1/records/aa/two.json')), 'blob bytes');
      assert.equal(await backend.exists('v1/records/aa/two.json'), true);
      assert.deepEqual((await backend.list('v1/records/aa/', 8)).map((o) => o.name), ['v1/records/aa/two.json', 'v1/records/aa/one.json']);
      assert.deepEqual((await backend.list('v1/records/aa/', 1)).map((o) => o.name), ['v1/records/aa/two.json']);
      assert.deepEqual(await backend.list('v1/records/bb/', 8), []);
    });

    it('never overwrites an existing object; a raw overwrite (the negative control) does', async (t) => {
      const { backend, overwrite } = await open(t);
      assert.equal(await backend.create('v1/records/cc/k.json', { data: Buffer.from('genuine') }), 'created');
      assert.equal(await backend.create('v1/records/cc/k.json', { data: Buffer.from('planted') }), 'exists');
      assert.equal((await backend.read('v1/records/cc/k.json'))?.toString(), 'genuine');
      await overwrite('v1/records/cc/k.json', 'planted');
      assert.equal((await backend.read('v1/records/cc/k.json'))?.toString(), 'planted');
    });
  });
}

contract('folder', async (t) => {
  const root = tempDir(t);
  return { backend: new FolderBackend(root), overwrite: async (object, data) => writeFileSync(join(root, object), data, { mode: 0o644, flag: 'w' }) };
});

describe('S3 against moto', () => {
  let moto: MotoServer | undefined;
  let skip: string | undefined;
  let buckets = 0;
  before(async () => {
    const found = motoPython();
    if ('unavailable' in found) skip = found.unavailable;
    else moto = await startMoto(found.python);
  });
  after(() => moto?.stop());

  const s3 = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
  const location = (bucket: string, endpoint: string) => ({ kind: 's3' as const, bucket, endpoint, region: 'us-east-1', pathStyle: true });
  async function bucket(): Promise<string> {
    const name = `backend-test-${++buckets}`;
    await s3((moto as MotoServer).endpoint).send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  contract('S3', async (t) => {
    if (skip) t.skip(skip);
    const name = await bucket();
    const endpoint = (moto as MotoServer).endpoint;
    return {
      backend: new S3Backend(location(name, endpoint), 'cache/', 2000, MOTO_CREDENTIALS),
      overwrite: async (object, data) => void (await s3(endpoint).send(new PutObjectCommand({ Bucket: name, Key: `cache/${object}`, Body: data }))),
    };
  });

  it('says what failed: a refused connection, a timeout, an HTTP status', async (t) => {
    if (skip) return t.skip(skip);
    const name = await bucket();
    const down = new S3Backend(location(name, 'http://127.0.0.1:9'), '', 500, MOTO_CREDENTIALS);
    await assert.rejects(down.read('x'), (error: unknown) => error instanceof RemoteError && /ECONNREFUSED/.test(error.message));
    for (const [mode, pattern] of [['hang', /timed out after 300 ms/], ['status-500', /HTTP 500 InternalError/]] as const) {
      const proxy = await startFaultProxy((moto as MotoServer).endpoint, mode);
      t.after(() => proxy.stop());
      const faulty = new S3Backend(location(name, proxy.endpoint), '', 300, MOTO_CREDENTIALS);
      await assert.rejects(faulty.read('x'), (error: unknown) => error instanceof RemoteError && pattern.test(error.message), mode);
    }
  });
});
