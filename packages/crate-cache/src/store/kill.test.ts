import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CrateStore } from './crate-store.js';
import { hashFile } from '../hash.js';
import { tempDir, testKey } from './testing/fixtures.js';

/**
 * Starts the kill-writer child and returns once it streams its second blob
 * from a FIFO we write: it only gets as far as we feed it.
 */
async function startWriter(t: TestContext, dir: string, key: string) {
  const fifo = join(dir, 'input.fifo');
  execFileSync('mkfifo', [fifo]);
  const child = spawn(process.execPath, [join(__dirname, 'testing', 'kill-writer.js'), join(dir, 'store'), key, fifo], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await until(() => stdout.includes('writing\n'), 'the child to start writing');
  const input = await open(fifo, 'w'); // returns once the child has opened the FIFO for reading
  t.after(() => input.close().catch(() => undefined));
  return { child, exited, input, stdout: () => stdout };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 5000; !condition(); await sleep(5)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

function files(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

/** Every visible blob's contents hash to its name. */
async function assertBlobsVerify(store: CrateStore): Promise<number> {
  const blobs = files(store.paths.blobs);
  for (const path of blobs) {
    const name = path.slice(store.paths.blobs.length + 1).replace('/', '');
    assert.equal((await hashFile(path)).hash, name, `${path} holds what its name says`);
  }
  return blobs.length;
}

test('control: the writer left alone stores its entry', async (t) => {
  const dir = tempDir(t);
  const key = testKey('finished');
  const { exited, input, stdout } = await startWriter(t, dir, key);
  await input.write(randomBytes(300 * 1024));
  await input.close();
  assert.deepEqual(await exited, [0, null]);
  assert.match(stdout(), /stored/);
  const store = new CrateStore({ root: join(dir, 'store') });
  assert.equal((await store.readEntry(key))?.files.length, 2);
  assert.equal(await assertBlobsVerify(store), 2);
});

test('a writer killed while streaming a blob leaves no entry and no partial blob', async (t) => {
  const dir = tempDir(t);
  const key = testKey('killed');
  const { child, exited, input } = await startWriter(t, dir, key);
  const store = new CrateStore({ root: join(dir, 'store') });
  const chunk = randomBytes(256 * 1024);
  await input.write(chunk);
  // The whole chunk has reached the temp file: the child now waits, mid-blob, for more input.
  await until(() => files(store.paths.tmp).some((path) => statSync(path).size === chunk.length), 'the partial blob');
  child.kill('SIGKILL');
  assert.deepEqual(await exited, [null, 'SIGKILL']);

  assert.equal(await store.readEntry(key), undefined);
  assert.deepEqual(files(store.paths.entries), []);
  assert.equal(await assertBlobsVerify(store), 1, 'only the finished small blob is visible');
  const [partial] = files(store.paths.tmp);
  assert.ok(partial, 'the partial write stayed a temp file');

  // gc removes the dead writer's temp file once it is old; the fresh unreferenced blob is spared.
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(partial, old, old);
  await store.gc();
  assert.deepEqual(files(store.paths.tmp), []);
  assert.equal(await assertBlobsVerify(store), 1);
});
