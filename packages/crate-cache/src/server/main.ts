#!/usr/bin/env node
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { runWrapper } from '../wrapper.js';
import { ClientRustcRunner } from './client-runner.js';
import { FrameReader, parseRequest } from './frames.js';

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
const server = createServer((socket) => void serve(socket));

async function serve(socket: Socket): Promise<void> {
  active++;
  clearTimeout(idle);
  const reader = new FrameReader(socket);
  const runner = new ClientRustcRunner(socket, reader);
  try {
    const { argv, cwd, env } = parseRequest(await reader.bytes());
    const [rustc, ...args] = argv;
    runner.finish(await runWrapper({ rustc, args, cwd, env, runner }));
  } catch (error) {
    log(`call failed: ${(error as Error).stack ?? error}`);
    runner.fail();
  } finally {
    // The server stays up until what the call left running is done.
    await Promise.allSettled(runner.deferred);
    if (--active === 0) idle = setTimeout(shutDown, IDLE_MS);
  }
}

/** Listens on a private name first, then renames it into place: a client never sees a half-made socket. */
async function listen(): Promise<bigint> {
  // A new store has no folder yet.
  await mkdir(dirname(socketPath), { recursive: true });
  const temp = `${socketPath}.${process.pid}`;
  await unlink(temp).catch(() => undefined);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(temp, resolve));
  await rename(temp, socketPath);
  return (await stat(socketPath, { bigint: true })).ino;
}

let ownInode: bigint | undefined;
async function shutDown(): Promise<void> {
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
