import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PendingStores } from './pending-stores.js';

test('a flush waits for its session only, and returns the failures the log did not take, once', async () => {
  const pending = new PendingStores();
  const done: string[] = [];
  const store = (session: string, ms: number, outcome?: { logged: boolean }) =>
    pending.add(session, sleep(ms).then(() => {
      done.push(`${session}:${ms}`);
      return outcome && { crate: `${session}-crate`, reason: 'not stored: ENOSPC', logged: outcome.logged };
    }));
  void store('a', 30, { logged: false });
  void store('a', 10, { logged: true });
  void store('b', 300);
  const flushed = await pending.flush('a');
  assert.deepEqual(done.sort(), ['a:10', 'a:30'], 'b is still storing');
  assert.deepEqual(flushed, { notStored: [{ crate: 'a-crate', reason: 'not stored: ENOSPC', logged: false }] });
  assert.deepEqual(await pending.flush('a'), { notStored: [] });
  await pending.flush('');
  assert.ok(done.includes('b:300'), 'flushing every session waits for all');
});
