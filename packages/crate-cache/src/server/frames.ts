import type { Socket } from 'node:net';

/**
 * The frames between the native client (client/src/main.rs) and the server:
 * little-endian u32 lengths before byte strings, a u8 before each answer.
 */
export const PROTOCOL = 'NXC1';
export const ANSWER = { replay: 0, run: 1, passthrough: 2, inProcess: 3 } as const;

/** Reads exact byte counts from a socket as they arrive. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiting?: () => void;
  private ended = false;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.waiting?.();
    });
    const end = () => {
      this.ended = true;
      this.waiting?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  async exactly(length: number): Promise<Buffer> {
    while (this.buffered < length) {
      if (this.ended) throw new Error(`client went away (wanted ${length} bytes, had ${this.buffered})`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(length)];
    this.buffered = all.length - length;
    return all.subarray(0, length);
  }

  async u32(): Promise<number> {
    return (await this.exactly(4)).readUInt32LE(0);
  }

  async bytes(): Promise<Buffer> {
    return this.exactly(await this.u32());
  }
}

/** One rustc call as the client sent it. */
export interface CallRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/** Parses the request frame: tag, argv, cwd, environment (`K=V` strings). */
export function parseRequest(frame: Buffer): CallRequest {
  if (frame.subarray(0, 4).toString('latin1') !== PROTOCOL) throw new Error(`not an ${PROTOCOL} request`);
  let at = 4;
  const bytes = () => {
    const length = frame.readUInt32LE(at);
    const value = frame.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value.toString('utf8');
  };
  const strings = () => {
    const count = frame.readUInt32LE(at);
    at += 4;
    return Array.from({ length: count }, bytes);
  };
  const argv = strings();
  const cwd = bytes();
  const env: Record<string, string> = {};
  for (const pair of strings()) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { argv, cwd, env };
}

export function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0, 0);
  return buffer;
}

export function byteString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([u32(bytes.length), bytes]);
}

export function stringList(values: string[]): Buffer {
  return Buffer.concat([u32(values.length), ...values.map((value) => byteString(value))]);
}
