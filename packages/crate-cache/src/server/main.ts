#!/usr/bin/env node
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { flushRemoteUploads } from '../remote/index.js';
import type { NotStored } from '../rustc-runner.js';
import { runWrapper } from '../wrapper.js';
import { ClientRustcRunner } from './client-runner.js';
import { byteString, FrameReader, parseRequest } from './frames.js';
import { PendingStores } from './pending-stores.js';

/**
 * The crate cache server: one per store, started by the native client on
 * first use, gone after IDLE_MS without calls. Keys, hashes and the store
 * code stay loaded and warm between rustc calls.
 */
const IDLE_MS = 60_000;

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: main.js <socket path>\n');
  process.exit(2);
}

// Detached, without a terminal: what goes wrong is written beside the socket.
const logFile = join(dirname(socketPath), 'server.log');
const log = (message: string) => {
  mkdirSync(dirname(logFile), { recursive: true });
  appendFileSync(logFile, `${new Date().toISOString()} [${process.pid}] ${message}\n`);
};
process.on('uncaughtException', (error) => {
  log(`crashed: ${error.stack ?? error.message}`);
  process.exit(1);
});

let active = 0;
let idle: NodeJS.Timeout | undefined;
const pending = new PendingStores();
const server = createServer((socket) => void serve(socket));

async function serve(socket: Socket): Promise<void> {
  active++;
  clearTimeout(idle);
  const reader = new FrameReader(socket);
  const left: Array<Promise<NotStored | undefined>> = [];
  let session = '';
  const runner = new ClientRustcRunner(socket, reader, (work) => left.push(pending.add(session, work)));
  try {
    const request = parseRequest(await reader.bytes());
    if (request.kind === 'flush') {
      const flushed = await pending.flush(request.session);
      // The stores above queued their uploads; a CI job that ends after this answer must not lose them.
      await flushRemoteUploads(request.session);
      socket.end(byteString(JSON.stringify(flushed)));
      return;
    }
    session = request.env.NX_CARGO_CRATE_CACHE_SESSION ?? '';
    const [rustc, ...args] = request.argv;
    runner.finish(await runWrapper({ rustc, args, cwd: request.cwd, env: request.env, runner }));
  } catch (error) {
    log(`call failed: ${(error as Error).stack ?? error}`);
    runner.fail();
  } finally {
    // The server stays up until what the call left running is done.
    await Promise.allSettled(left);
    if (--active === 0) idle = setTimeout(shutDown, IDLE_MS);
  }
}

/**
 * Listens on a private name first, then renames it into place: a client
 * never sees a half-made socket. The socket is the owner's alone (0600 from
 * its creation): whoever can connect can make the server copy files it can
 * read into the store.
 */
async function listen(): Promise<bigint> {
  // A new store has no folder yet; the store is private too.
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
  const temp = `${socketPath}.${process.pid}`;
  await unlink(temp).catch(() => undefined);
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(temp, resolve));
  } finally {
    process.umask(umask);
  }
  await rename(temp, socketPath);
  return (await stat(socketPath, { bigint: true })).ino;
}

let ownInode: bigint | undefined;
async function shutDown(): Promise<void> {
  await flushRemoteUploads('');
  // A call that came in while the uploads finished keeps the server up; its end re-arms the timer.
  if (active > 0) return;
  server.close();
  // Another server may have taken the name since: only remove our own socket.
  const current = await stat(socketPath, { bigint: true }).catch(() => undefined);
  if (current && current.ino === ownInode) await unlink(socketPath).catch(() => undefined);
  process.exit(0);
}

listen().then(
  (inode) => {
    ownInode = inode;
    idle = setTimeout(shutDown, IDLE_MS);
  },
  (error: Error) => {
    log(`cannot listen on ${socketPath}: ${error.message}`);
    process.exit(1);
  },
);
