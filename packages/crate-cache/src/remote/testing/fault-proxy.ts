#!/usr/bin/env node
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A faulty remote for tests: an HTTP proxy on 127.0.0.1 in front of a real
 * S3 server that misbehaves in one way, chosen at start:
 *   pass            forwards everything;
 *   hang            accepts requests and never answers;
 *   status-500      answers every request with 500 InternalError;
 *   truncate-blobs  forwards, but cuts blob downloads off halfway (the full
 *                   Content-Length announced, then the connection closed).
 * Run as its own process (`node fault-proxy.js <target> <mode>`), since the
 * tests block their own event loop while cargo runs; prints its port.
 */
type Mode = 'pass' | 'hang' | 'status-500' | 'truncate-blobs';
const MODES: readonly Mode[] = ['pass', 'hang', 'status-500', 'truncate-blobs'];

const [target, mode] = process.argv.slice(2) as [string, Mode];
if (!target || !MODES.includes(mode)) {
  process.stderr.write(`usage: fault-proxy.js <target url> <${MODES.join('|')}>\n`);
  process.exit(2);
}
const upstream = new URL(target);

const server = createServer((req, res) => {
  if (mode === 'hang') return;
  if (mode === 'status-500') {
    req.resume();
    res.writeHead(500, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected by the fault proxy</Message></Error>');
    return;
  }
  forward(req, res);
});

function forward(req: IncomingMessage, res: ServerResponse): void {
  const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    const cut = mode === 'truncate-blobs' && req.method === 'GET' && /\/v1\/blobs\//.test(req.url ?? '') && answer.statusCode === 200;
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    if (!cut) return void answer.pipe(res);
    const length = Number(answer.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('end', () => {
      res.flushHeaders();
      // Closed once half the announced length is out: the client sees a transfer cut short.
      res.write(Buffer.concat(chunks).subarray(0, Math.floor(length / 2)), () => setTimeout(() => res.socket?.destroy(), 50));
    });
  });
  out.on('error', () => res.destroy());
  req.pipe(out);
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : ''}\n`);
});
// Ends with the test that started it.
process.stdin.on('end', () => process.exit(0)).resume();
