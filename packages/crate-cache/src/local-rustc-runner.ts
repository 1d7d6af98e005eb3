import { spawn } from 'node:child_process';
import * as os from 'node:os';
import type { RustcRunner } from './rustc-runner.js';

/** Runs rustc as a child of this process: the in-process wrapper's runner. */
export class LocalRustcRunner implements RustcRunner {
  constructor(private readonly call: { rustc: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv }) {}

  async passthrough(): Promise<number> {
    return (await runRustc([this.call.rustc, ...this.call.args], this.call, false)).code;
  }

  compile(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return runRustc(argv, { cwd: this.call.cwd, env: { ...this.call.env, ...env } }, true);
  }

  async replay(stdout: string, stderr: string): Promise<void> {
    await write(process.stdout, stdout);
    await write(process.stderr, stderr);
  }
}

/** Runs rustc with inherited stdin; output is passed on live and, when asked, also kept. */
function runRustc([rustc, ...args]: string[], context: { cwd: string; env: NodeJS.ProcessEnv }, capture: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const stdio = ['inherit', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit', ...jobserverFds(context.env)] as const;
    const child = spawn(rustc, args, { cwd: context.cwd, env: context.env, stdio: [...stdio] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * cargo's jobserver is a pair of inherited file descriptors named in
 * CARGO_MAKEFLAGS; rustc must get them at the same numbers, or it warns
 * and runs without cargo's limit on parallel jobs.
 */
export function jobserverFds(env: NodeJS.ProcessEnv): Array<number | 'ignore'> {
  const match = /--jobserver-(?:fds|auth)=(\d+),(\d+)/.exec(env.CARGO_MAKEFLAGS ?? '');
  if (!match) return [];
  const fds = [Number(match[1]), Number(match[2])];
  const slots: Array<number | 'ignore'> = [];
  for (let fd = 3; fd <= Math.max(...fds); fd++) slots.push(fds.includes(fd) ? fd : 'ignore');
  return slots;
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => stream.write(text, () => resolve()));
}
