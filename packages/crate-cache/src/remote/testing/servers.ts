import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A real S3-compatible server for tests: moto's server mode (PyPI), on
 * 127.0.0.1 at a port of its own. moto honours `If-None-Match: *` on PUT
 * (412 for an existing object), which the remote's never-overwrite rule
 * relies on; s3rver (npm) ignores it and overwrites. moto is installed on
 * first use into a virtual environment of its own under the temp folder,
 * shared by every test process (a ~20 s install, once per machine).
 */
export const MOTO_VERSION = '5.2.5';
const VENV = join(tmpdir(), 'nx-cargo-test-tools', `moto-${MOTO_VERSION}`);

/** Test credentials moto accepts (it checks none). */
export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'nx-cargo-test', AWS_SECRET_ACCESS_KEY: 'nx-cargo-test-secret', AWS_REGION: 'us-east-1' };

/** Starts the server, stops it when stdin closes: no process outlives the test that started it. */
const SERVER_SCRIPT = `
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server._server.server_port, flush=True)
sys.stdin.read()
server.stop()
`;

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * The venv's python with moto in it, installing it if needed; or why it
 * cannot be had here (no python3, no venv/pip), for a test to skip with.
 * A failed install (no network) throws: that is a failure, not a skip.
 */
export function motoPython(): { python: string } | { unavailable: string } {
  const python = join(VENV, 'bin', 'python');
  if (existsSync(join(VENV, 'installed'))) return { python };
  const system = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (system.error || system.status !== 0) {
    return { unavailable: `moto (an S3 server for these tests) needs Python 3 with venv and pip: ${system.error?.message ?? system.stderr.trim().split('\n').pop()}` };
  }
  mkdirSync(join(VENV, '..'), { recursive: true });
  const staging = mkdtempSync(`${VENV}.staging-`);
  try {
    run('python3', ['-m', 'venv', staging]);
    run(join(staging, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`]);
    writeFileSync(join(staging, 'installed'), `moto[server]==${MOTO_VERSION}\n`);
    try {
      renameSync(staging, VENV);
    } catch (error) {
      // Another test process installed it first: use theirs.
      if (!existsSync(join(VENV, 'installed'))) throw error;
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  // A venv's scripts name its own path: the renamed one is used through its python, which finds its packages relative to itself.
  return { python };
}

export async function startMoto(python: string): Promise<MotoServer> {
  return startServer(python, ['-c', SERVER_SCRIPT]);
}

/** A fault proxy (fault-proxy.ts) in front of `target`, in a process of its own; stopped with the returned stop(). */
export async function startFaultProxy(target: string, mode: 'pass' | 'hang' | 'status-500' | 'truncate-blobs'): Promise<{ endpoint: string; stop(): Promise<void> }> {
  return startServer(process.execPath, [join(__dirname, 'fault-proxy.js'), target, mode]);
}

/**
 * Starts a server that prints its port as its first line and ends when its
 * stdin closes. Its stderr (werkzeug logs every request) goes to a file:
 * a pipe nobody drains while a test blocks in spawnSync would fill up and
 * stall the server.
 */
async function startServer(command: string, args: string[]): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'nx-cargo-test-server-'));
  const log = join(dir, 'stderr.log');
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', openSync(log, 'w')] });
  let port: string;
  try {
    port = await firstLine(child, () => readFileSync(log, 'utf8'));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // Nothing else is printed on stdout; reading on keeps the pipe from ever filling.
  child.stdout?.resume();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}`);
}

async function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.slice(0, 2).join(' ')} exited ${code} before it listened:\n${stderr()}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
