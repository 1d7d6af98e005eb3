// Both cache layers across machines, through real nx: two Nx workspaces at
// different paths (machines A and B) from e2e/fixtures/crate-cache.
// - Nx's task layer through its self-hosted remote cache protocol
//   (NX_SELF_HOSTED_REMOTE_CACHE_SERVER / _ACCESS_TOKEN) against a server
//   that follows the documented contract (support/nx-cache-server.mjs): after
//   A's `nx run-many -t build,test`, B's run of the same is all remote hits,
//   with the binaries restored and runnable; B's read-only token reads and
//   never writes.
// - The crate layer through an S3 remote: A's task uploads its units before
//   it ends, B's task restores them, and each task line says so.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';
import { Bucket, remoteEnv, startRemote, TRUSTED } from './support/remote-cache.mjs';

const ENV = { APP_MODE: 'dev' };
const GENUINE = /3 words, first space at 5, mode dev, value 1, plain\nLOUD/;
const TOKENS = { NX_CACHE_TEST_TOKEN_RW: 'token-main-ci', NX_CACHE_TEST_TOKEN_RO: 'token-pull-requests' };

/** The contract server in its own process (nx blocks this one while it runs); its records and request log live in `dir`. */
async function startNxCacheServer(dir) {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'support/nx-cache-server.mjs');
  const child = spawn(process.execPath, [script, dir], { env: { ...process.env, ...TOKENS }, stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`nx-cache-server exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => (existsSync(join(dir, 'requests.jsonl')) ? readFileSync(join(dir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []),
    records: () => readdirSync(join(dir, 'records')).filter((name) => !name.includes('.')).sort(),
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.stdin.end()))),
  };
}

/** `nx run-many -t build,test` reporting each task's cache status. */
function runMany(ws, env) {
  return ws.nxOk(['run-many', '-t', 'build,test', '--output-style=static'], { ...ENV, ...env });
}

const nxRemote = (server, token) => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token });

describe("Nx's self-hosted remote cache restores nx-cargo's tasks on another machine", () => {
  let server;
  let dir;
  let a;
  let b;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nx-remote-cache-'));
    server = await startNxCacheServer(dir);
    a = NxWorkspace.fromFixture('crate-cache');
    b = NxWorkspace.fromFixture('crate-cache');
  });
  after(async () => {
    await server.stop();
    a.dispose();
    b.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("A's run-many fills the remote; B's is 100% remote hits with runnable binaries; B's read-only token reads and never writes", () => {
    const first = runMany(a, nxRemote(server, TOKENS.NX_CACHE_TEST_TOKEN_RW));
    const tasks = Number(/Successfully ran targets? build, test for (\d+) projects?/.exec(first.output)?.[1] ?? 0) > 0 ? first.output.match(/> nx run \S+:(build|test)/g).length : 0;
    assert.ok(tasks >= 10, `A ran ${tasks} tasks:\n${first.output}`);
    const stored = server.records();
    assert.equal(stored.length, tasks, 'A stored every task');
    assert.ok(server.requests().filter((r) => r.method === 'PUT').every((r) => r.access === 'read-write' && r.status === 200));

    const second = runMany(b, nxRemote(server, TOKENS.NX_CACHE_TEST_TOKEN_RO));
    assert.match(second.output, new RegExp(`Nx read the output from the cache instead of running the command for ${tasks} out of ${tasks} tasks`));
    assert.equal(second.output.match(/\[remote cache\]/g)?.length, tasks, 'every task came from the remote cache');
    assert.match(execFileSync(join(b.root, 'target/debug/app'), { env: { ...process.env, ...ENV }, encoding: 'utf8' }), GENUINE);
    const reads = server.requests().filter((r) => r.access === 'read-only');
    assert.equal(reads.filter((r) => r.method === 'GET' && r.status === 200).length, tasks, 'the read-only token is not refused for reads');

    // B changes app: its tasks miss and run; Nx offers their results, and the read-only token cannot store them.
    b.write('crates/app/src/main.rs', `${b.read('crates/app/src/main.rs')}\n// edited on B\n`);
    const edited = runMany(b, nxRemote(server, TOKENS.NX_CACHE_TEST_TOKEN_RO));
    assert.match(edited.output, /Successfully ran targets build, test/);
    const refused = server.requests().filter((r) => r.access === 'read-only' && r.method === 'PUT');
    assert.ok(refused.length > 0, 'Nx tried to store the missed tasks');
    assert.ok(refused.every((r) => r.status === 403), JSON.stringify(refused));
    assert.deepEqual(server.records(), stored, 'nothing was written with the read-only token');

    // Negative control: the same edit with the read-write token stores them.
    b.write('crates/app/src/main.rs', `${b.read('crates/app/src/main.rs')}\n// edited on B again\n`);
    runMany(b, nxRemote(server, TOKENS.NX_CACHE_TEST_TOKEN_RW));
    assert.notDeepEqual(server.records(), stored);
  });
});

describe('the crate layer through an S3 remote, as nx tasks report it', () => {
  let remote;
  let a;
  let b;
  before(async () => {
    remote = await startRemote();
    a = NxWorkspace.fromFixture('crate-cache');
    b = NxWorkspace.fromFixture('crate-cache');
  });
  after(async () => {
    await remote.stop();
    a.dispose();
    b.dispose();
  });

  it("A's task uploads its units before it ends; B's task restores them from the remote and says so", async (t) => {
    if (remote.skip) return t.skip(remote.skip);
    const bucket = await Bucket.create(remote.endpoint, 'nx-tasks');
    const built = a.nxOk(['build', 'app', '--batch=false'], { ...ENV, ...remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name, signWith: TRUSTED }) });
    const uploaded = /crate cache: 0 restored, (\d+) compiled, 0 passed through; \1 uploaded to the remote \([\d.]+ MB in [\d.]+ s\)/.exec(built.output);
    assert.ok(uploaded, built.output);
    // The task has ended: B, right after it, finds every unit there.
    const restored = b.nxOk(['build', 'app', '--batch=false'], { ...ENV, ...remoteEnv({ endpoint: remote.endpoint, bucket: bucket.name }) });
    assert.match(restored.output, new RegExp(`crate cache: ${uploaded[1]} restored \\(${uploaded[1]} from remote, [\\d.]+ MB in [\\d.]+ s\\), 0 compiled, 0 passed through`));
    assert.match(execFileSync(join(b.root, 'target/debug/app'), { encoding: 'utf8' }), GENUINE);
  });
});
