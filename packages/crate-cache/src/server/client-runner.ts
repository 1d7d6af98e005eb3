import type { Socket } from 'node:net';
import type { NotStored, RustcRunner } from '../rustc-runner.js';
import { ANSWER, byteString, type FrameReader, stringList, u32 } from './frames.js';

/**
 * Runs rustc through the native client that sent the call: the client is
 * the process cargo started, so rustc gets cargo's jobserver fds from it.
 */
export class ClientRustcRunner implements RustcRunner {
  private state: 'idle' | 'passed' | 'ran' | 'replayed' = 'idle';
  private replayed = { stdout: '', stderr: '' };

  /** `track` takes the work a call leaves running after its answer (storing a compile). */
  constructor(
    private readonly socket: Socket,
    private readonly reader: FrameReader,
    private readonly track: (work: Promise<NotStored | undefined>) => void,
  ) {}

  async passthrough(): Promise<number> {
    this.state = 'passed';
    this.socket.write(Buffer.from([ANSWER.passthrough]));
    return 0;
  }

  async compile(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    this.state = 'ran';
    const pairs = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    this.socket.write(Buffer.concat([Buffer.from([ANSWER.run]), stringList(argv), stringList(pairs)]));
    const code = await this.reader.u32();
    const stdout = (await this.reader.bytes()).toString('utf8');
    const stderr = (await this.reader.bytes()).toString('utf8');
    return { code: code | 0, stdout, stderr };
  }

  defer(work: Promise<NotStored | undefined>): void {
    this.track(work);
  }

  async replay(stdout: string, stderr: string): Promise<void> {
    this.state = 'replayed';
    this.replayed = { stdout, stderr };
  }

  /** Tells the client how the call ended: the exit code after a compile, the whole answer after a hit. */
  finish(code: number): void {
    if (this.state === 'ran') this.socket.end(u32(code));
    else if (this.state === 'passed') this.socket.end();
    else this.socket.end(Buffer.concat([Buffer.from([ANSWER.replay]), u32(code), byteString(this.replayed.stdout), byteString(this.replayed.stderr)]));
  }

  /** Something failed in the server: before rustc ran, the client's in-process wrapper takes over. */
  fail(): void {
    if (this.state === 'idle') this.socket.end(Buffer.from([ANSWER.inProcess]));
    else this.socket.destroy();
  }
}
