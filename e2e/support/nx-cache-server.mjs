#!/usr/bin/env node
// A server for Nx's self-hosted remote cache, as the documented OpenAPI
// contract (Nx >= 20.8) has it: GET /v1/cache/{hash} (200 with the tar
// body, 404 when absent) and PUT /v1/cache/{hash} (Content-Length required,
// else 400; 409 when the record exists: records are never overridden; 403
// for a read-only token), bearer tokens on both (401 when missing or
// unknown). For tests only: it runs on 127.0.0.1 as its own process
// (`node nx-cache-server.mjs <dir>`, tokens in NX_CACHE_TEST_TOKEN_RW and
// NX_CACHE_TEST_TOKEN_RO), prints its port, keeps records as files under
// <dir>/records, and logs every request as a JSON line to <dir>/requests.jsonl.
import { appendFileSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const dir = process.argv[2];
const tokens = { [process.env.NX_CACHE_TEST_TOKEN_RW]: 'read-write', [process.env.NX_CACHE_TEST_TOKEN_RO]: 'read-only' };
if (!dir || !process.env.NX_CACHE_TEST_TOKEN_RW || !process.env.NX_CACHE_TEST_TOKEN_RO) {
  process.stderr.write('usage: NX_CACHE_TEST_TOKEN_RW=… NX_CACHE_TEST_TOKEN_RO=… nx-cache-server.mjs <dir>\n');
  process.exit(2);
}
const records = join(dir, 'records');
mkdirSync(records, { recursive: true });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const answer = (status, body = '') => {
      appendFileSync(join(dir, 'requests.jsonl'), `${JSON.stringify({ method: req.method, hash, access, status, bytes: req.method === 'PUT' ? size : body.length })}\n`);
      res.writeHead(status, { 'content-type': status === 200 && req.method === 'GET' ? 'application/octet-stream' : 'text/plain' }).end(body);
    };
    const match = /^\/v1\/cache\/([^/?]+)$/.exec(req.url ?? '');
    const hash = match?.[1];
    const access = tokens[/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]];
    const body = Buffer.concat(chunks);
    const size = body.length;
    if (!hash || !/^[\w.-]+$/.test(hash)) return answer(404, 'not found');
    if (!access) return answer(401, 'missing or invalid authentication token');
    const file = join(records, hash);
    if (req.method === 'GET') return existsSync(file) ? answer(200, readFileSync(file)) : answer(404, 'record not found');
    if (req.method !== 'PUT') return answer(405, 'method not allowed');
    if (access !== 'read-write') return answer(403, 'access forbidden: read-only token');
    if (req.headers['content-length'] === undefined || Number(req.headers['content-length']) !== size) return answer(400, 'missing or invalid Content-Length header');
    // Written aside, then linked into place: an existing record is never replaced, even by a racing PUT.
    const temp = `${file}.${process.pid}.${Math.random().toString(16).slice(2)}`;
    writeFileSync(temp, body);
    try {
      linkSync(temp, file);
      return answer(200);
    } catch (error) {
      if (error.code === 'EEXIST') return answer(409, 'cannot override an existing record');
      throw error;
    } finally {
      unlinkSync(temp);
    }
  });
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
// Ends with the test that started it.
process.stdin.on('end', () => process.exit(0)).resume();
