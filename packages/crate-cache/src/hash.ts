import { createReadStream } from 'node:fs';
import { createHash, hash } from 'blake3';

/** Read size for streaming: large enough to keep syscalls few, small enough to never hold a whole rlib. */
export const CHUNK_BYTES = 1 << 20;

export function hashBuffer(data: Buffer): string {
  return hash(data).toString('hex');
}

/** blake3 and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ hash: string; size: number }> {
  const hasher = createHash();
  let size = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      hasher.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    hasher.dispose(); // frees the wasm state digest() would have freed
    throw error;
  }
  return { hash: hasher.digest('hex'), size };
}
