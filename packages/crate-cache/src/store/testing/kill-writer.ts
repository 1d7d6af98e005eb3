import { CrateStore } from '../crate-store.js';
import { entryFor, storedFile } from './fixtures.js';

/**
 * Child for the kill test: stores a small blob, prints "writing", then stores
 * a blob streamed from a FIFO and an entry naming both. The parent feeds the
 * FIFO and SIGKILLs this process while the second blob is half written.
 */
async function main(): Promise<void> {
  const [root, key, fifo] = process.argv.slice(2);
  const store = new CrateStore({ root });
  const small = await store.putBlobFromBuffer(Buffer.from('small output'));
  process.stdout.write('writing\n');
  const big = await store.putBlobFromFile(fifo);
  await store.writeEntry(entryFor(key, [storedFile('libsmall.rmeta', small), storedFile('libbig.rlib', big)]));
  process.stdout.write('stored\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
