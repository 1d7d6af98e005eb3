import { appendFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CrateStore, withClaim } from '../crate-store.js';
import { entryFor, storedFile } from './fixtures.js';

/**
 * Child for the claims test, doing what the wrapper does on a miss: take the
 * claim, "compile" (append our pid to a log) only if the entry is still
 * missing, store it. `--no-claim` skips the claim, as a control. Workers
 * announce themselves in `<log>.ready` and start together once `<log>.go` exists.
 */
async function main(): Promise<void> {
  const [root, key, log, mode] = process.argv.slice(2);
  const store = new CrateStore({ root });
  appendFileSync(`${log}.ready`, `${process.pid}\n`);
  while (!existsSync(`${log}.go`)) await sleep(2);
  const compileUnlessStored = async () => {
    if (await store.readEntry(key)) return;
    appendFileSync(log, `${process.pid}\n`);
    await sleep(150); // long enough that the other workers arrive while we compile
    const output = await store.putBlobFromBuffer(Buffer.from('compiled output'));
    await store.writeEntry(entryFor(key, [storedFile('libdemo.rlib', output)]));
  };
  if (mode === '--no-claim') await compileUnlessStored();
  else await withClaim(store, key, compileUnlessStored, { pollMs: 10 });
  process.stdout.write(JSON.stringify({ hasEntry: (await store.readEntry(key)) !== undefined }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
