import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CrateStore, withClaim } from './crate-store.js';
import { runHelper, tempDir, testKey } from './testing/fixtures.js';

/** Four claim workers, released together once all have started, so they truly contend. */
async function fourWorkers(root: string, key: string, log: string, mode: string[] = []) {
  const running = Promise.all([1, 2, 3, 4].map(() => runHelper('claim-worker.js', [root, key, log, ...mode])));
  for (const deadline = Date.now() + 10_000; readyCount(log) < 4 && Date.now() < deadline; ) await sleep(5);
  writeFileSync(`${log}.go`, '');
  const results = await running;
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const compiled = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { compiled, outputs: results.map((result) => JSON.parse(result.stdout) as { hasEntry: boolean }) };
}

function readyCount(log: string): number {
  return existsSync(`${log}.ready`) ? readFileSync(`${log}.ready`, 'utf8').split('\n').filter(Boolean).length : 0;
}

test('four processes claiming one key: exactly one compiles, all end with the entry', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'log'), '');
  const { compiled, outputs } = await fourWorkers(join(dir, 'store'), testKey('shared unit'), join(dir, 'log'));
  assert.equal(compiled.length, 1, `compiled by ${compiled.join(', ')}`);
  assert.deepEqual(outputs, Array(4).fill({ hasEntry: true }));
});

test('control: without the claim the same four processes compile more than once', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'log'), '');
  const { compiled } = await fourWorkers(join(dir, 'store'), testKey('shared unit'), join(dir, 'log'), ['--no-claim']);
  assert.ok(compiled.length > 1, `compiled ${compiled.length} times`);
});

test('a waiter gets the claim when the holder releases it', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store') });
  const key = testKey('k');
  const order: string[] = [];
  const holder = await store.claim(key);
  const waiter = withClaim(store, key, async () => order.push('waiter ran'), { pollMs: 5 });
  await sleep(100);
  order.push('holder releases');
  await holder.release();
  await waiter;
  assert.deepEqual(order, ['holder releases', 'waiter ran']);
});

test('a claim whose holder process is dead is stolen', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store') });
  const key = testKey('k');
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  const file = store.paths.claim(key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: dead, host: hostname(), at: Date.now() }));

  const timeout = sleep(2000, 'still waiting', { ref: false });
  const claim = await Promise.race([store.claim(key, { pollMs: 5 }), timeout]);
  assert.notEqual(claim, 'still waiting');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
});

test('a claim whose holder is alive is honoured', async (t) => {
  const store = new CrateStore({ root: join(tempDir(t), 'store') });
  const key = testKey('k');
  const file = store.paths.claim(key);
  mkdirSync(dirname(file), { recursive: true });
  // process.ppid: alive for the whole test, and not this process.
  writeFileSync(file, JSON.stringify({ pid: process.ppid, host: hostname(), at: Date.now() }));
  const claim = store.claim(key, { pollMs: 5 });
  const outcome = await Promise.race([claim.then(() => 'taken'), sleep(300).then(() => 'waiting')]);
  assert.equal(outcome, 'waiting');
  unlinkSync(file); // the holder releases
  await (await claim).release();
});
