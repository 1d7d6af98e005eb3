import type { Socket } from 'node:net';

/**
 * The frames between the native client (client/src/main.rs) and the server:
 * little-endian u32 lengths before byte strings, a u8 before each answer.
 */
export const PROTOCOL = 'NXC1';
/** A request to wait for a session's pending stores (from the executor or `nx-cargo-crate-cache flush`, never from the client). */
export const FLUSH = 'NXF1';
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
  kind: 'call';
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/** Wait for the pending stores of a session ('' for all of them). */
export interface FlushRequest {
  kind: 'flush';
  session: string;
}

/** Parses a request frame: a call (tag, argv, cwd, `K=V` environment strings) or a flush (tag, session). */
export function parseRequest(frame: Buffer): CallRequest | FlushRequest {
  const tag = frame.subarray(0, 4).toString('latin1');
  if (tag === FLUSH) return { kind: 'flush', session: frame.subarray(8, 8 + frame.readUInt32LE(4)).toString('utf8') };
  if (tag !== PROTOCOL) throw new Error(`not an ${PROTOCOL} or ${FLUSH} request`);
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
  return { kind: 'call', argv, cwd, env };
}

/** The frame of a flush request for `session`. */
export function flushRequest(session: string): Buffer {
  return byteString(Buffer.concat([Buffer.from(FLUSH, 'latin1'), byteString(session)]));
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
