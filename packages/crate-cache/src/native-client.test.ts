import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ensureNativeClient, NativeClientError } from './native-client.js';

const cacheHome = () => mkdtempSync(path.join(tmpdir(), 'native-client-'));

describe('the native client, built on first use', () => {
  it('is built once with cargo into the cache folder, then reused as it is', async () => {
    const home = cacheHome();
    const env = { ...process.env, XDG_CACHE_HOME: home };
    const store = path.join(home, 'store');
    const first = await ensureNativeClient(store, env);
    assert.ok(first.wrapper.startsWith(path.join(home, 'nx-cargo', 'clients')));
    assert.match(first.socket, new RegExp(`^${store}/server-[0-9a-f]{12}\\.sock$`));
    const builtAt = statSync(first.wrapper).mtimeMs;
    const again = await ensureNativeClient(store, env);
    assert.deepEqual(again, first);
    assert.equal(statSync(again.wrapper).mtimeMs, builtAt, 'not rebuilt');
    // A client run by hand says how it is meant to be called.
    assert.throws(() => execFileSync(first.wrapper, { stdio: 'pipe' }), /expected to be called by cargo as RUSTC_WRAPPER/);
  });

  it('says why when cargo is missing, and records nothing', async () => {
    const home = cacheHome();
    await assert.rejects(ensureNativeClient(path.join(home, 'store'), { ...process.env, XDG_CACHE_HOME: home, PATH: '/nonexistent' }), (error: unknown) => error instanceof NativeClientError && /cargo was not found/.test(error.reason));
    assert.equal(existsSync(path.join(home, 'nx-cargo', 'clients')) && findFailure(home), false);
  });

  it('remembers a failed build for a while instead of paying for it on every task', async () => {
    const home = cacheHome();
    const env = { ...process.env, XDG_CACHE_HOME: home, RUSTC: '/bin/false' };
    await assert.rejects(ensureNativeClient(path.join(home, 'store'), env), /cargo build of the client failed/);
    assert.ok(findFailure(home));
    const started = Date.now();
    await assert.rejects(ensureNativeClient(path.join(home, 'store'), { ...env, RUSTC: undefined }), /cargo build of the client failed/);
    assert.ok(Date.now() - started < 500, 'the recorded failure answers without building');
  });
});

function findFailure(home: string): boolean {
  const clients = path.join(home, 'nx-cargo', 'clients');
  return existsSync(clients) && execFileSync('find', [clients, '-name', 'failed.json'], { encoding: 'utf8' }).trim() !== '';
}
