// A cargo registry on 127.0.0.1 for e2e tests: the publish web API
// (PUT /api/v1/crates/new) and a sparse index (config.json, one file per
// crate, a download endpoint), as cargo's registry documentation describes
// them. It keeps everything in memory and logs each publish attempt in order.
// It runs in a process of its own: a test blocked in spawnSync (running nx)
// must not stop it from answering cargo.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, get } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Where a crate's file lives in an index: 1/a, 2/ab, 3/a/abc, ab/cd/abcd... (lowercased). */
export function indexPath(name) {
  const lower = name.toLowerCase();
  if (lower.length <= 2) return `${lower.length}/${lower}`;
  if (lower.length === 3) return `3/${lower[0]}/${lower}`;
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`;
}

/**
 * The publish body: a little-endian u32 length and the JSON metadata, then a
 * u32 length and the .crate file.
 */
function parsePublishBody(body) {
  const jsonLength = body.readUInt32LE(0);
  const metadata = JSON.parse(body.subarray(4, 4 + jsonLength).toString('utf8'));
  const crateLength = body.readUInt32LE(4 + jsonLength);
  const crate = body.subarray(8 + jsonLength, 8 + jsonLength + crateLength);
  if (crate.length !== crateLength) throw new Error(`truncated .crate: ${crate.length} of ${crateLength} bytes`);
  return { metadata, crate };
}

/** The index line for a published version (the publish metadata names dependencies the other way round). */
function indexEntry(metadata, crate) {
  return {
    name: metadata.name,
    vers: metadata.vers,
    deps: metadata.deps.map((dep) => ({
      name: dep.explicit_name_in_toml ?? dep.name,
      req: dep.version_req,
      features: dep.features,
      optional: dep.optional,
      default_features: dep.default_features,
      target: dep.target ?? null,
      kind: dep.kind,
      ...(dep.registry ? { registry: dep.registry } : {}),
      ...(dep.explicit_name_in_toml ? { package: dep.name } : {}),
    })),
    cksum: createHash('sha256').update(crate).digest('hex'),
    features: metadata.features ?? {},
    yanked: false,
    links: metadata.links ?? null,
    v: 2,
  };
}

/**
 * Serves the registry in this process. `reject` maps crate names to a
 * message: publishing them is refused with it (HTTP 400, in the API's error
 * format). An upload is handled `uploadDelayMs` after it arrives: until
 * then the version is not in the index. GET /_test/log answers the log of
 * publish attempts, in order:
 * { name, version, outcome: 'published' | 'rejected' | 'duplicate' | 'unauthorized' }.
 */
async function serve({ token, reject, uploadDelayMs }) {
  /** name (lowercase) -> { entries: index lines, files: version -> .crate bytes } */
  const crates = new Map();
  const log = [];
  let base = '';

  const send = (res, status, body, type = 'application/json') => {
    const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(data) });
    res.end(data);
  };
  const apiError = (res, status, detail) => send(res, status, { errors: [{ detail }] });

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const handle = () => {
        try {
          route(req, res, Buffer.concat(chunks));
        } catch (error) {
          apiError(res, 500, String(error?.stack ?? error));
        }
      };
      if (req.method === 'PUT') setTimeout(handle, uploadDelayMs);
      else handle();
    });
  });

  function route(req, res, body) {
    const url = new URL(req.url, base);
    if (req.method === 'GET' && url.pathname === '/_test/log') return send(res, 200, log);
    if (req.method === 'GET' && url.pathname === '/index/config.json') {
      return send(res, 200, { dl: `${base}/api/v1/crates`, api: base, 'auth-required': false });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/index/')) {
      const name = url.pathname.split('/').pop();
      const known = crates.get(name.toLowerCase());
      if (!known || indexPath(name) !== url.pathname.slice('/index/'.length)) return send(res, 404, 'not found', 'text/plain');
      return send(res, 200, known.entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n', 'text/plain');
    }
    const download = /^\/api\/v1\/crates\/([^/]+)\/([^/]+)\/download$/.exec(url.pathname);
    if (req.method === 'GET' && download) {
      const file = crates.get(download[1].toLowerCase())?.files.get(download[2]);
      return file ? send(res, 200, file, 'application/octet-stream') : send(res, 404, 'not found', 'text/plain');
    }
    if (req.method === 'PUT' && url.pathname === '/api/v1/crates/new') {
      const { metadata, crate } = parsePublishBody(body);
      const attempt = { name: metadata.name, version: metadata.vers };
      if (req.headers.authorization !== token) {
        log.push({ ...attempt, outcome: 'unauthorized' });
        return apiError(res, 403, 'this token may not publish here');
      }
      const refusal = reject[metadata.name];
      if (refusal) {
        log.push({ ...attempt, outcome: 'rejected' });
        return apiError(res, 400, refusal);
      }
      const known = crates.get(metadata.name.toLowerCase()) ?? { entries: [], files: new Map() };
      if (known.files.has(metadata.vers)) {
        log.push({ ...attempt, outcome: 'duplicate' });
        return apiError(res, 400, `crate version \`${metadata.vers}\` is already uploaded`);
      }
      known.entries.push(indexEntry(metadata, crate));
      known.files.set(metadata.vers, crate);
      crates.set(metadata.name.toLowerCase(), known);
      log.push({ ...attempt, outcome: 'published' });
      return send(res, 200, { warnings: { invalid_categories: [], invalid_badges: [], other: [] } });
    }
    return apiError(res, 404, `no route for ${req.method} ${url.pathname}`);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return server.address().port;
}

/**
 * Starts the registry in a child process. `reject` maps crate names to the
 * message their publish is refused with; `uploadDelayMs` holds each upload
 * back that long. Returns { url, index, token, log(), versions(name),
 * close() }; `index` is the value for `[registries.<name>]` in
 * .cargo/config.toml.
 */
export async function startCargoRegistry({ token = 'e2e-registry-token', reject = {}, uploadDelayMs = 0 } = {}) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, NX_CARGO_TEST_REGISTRY: JSON.stringify({ token, reject, uploadDelayMs }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject_) => {
    child.once('exit', (code) => reject_(new Error(`the test registry exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(Number(line)));
  });
  const url = `http://127.0.0.1:${port}`;
  const log = () => getJson(`${url}/_test/log`);
  return {
    url,
    index: `sparse+${url}/index/`,
    token,
    /** Every publish attempt so far, in order. */
    log,
    /** The versions of a crate the registry has. */
    versions: async (name) => (await log()).filter((entry) => entry.name === name && entry.outcome === 'published').map((entry) => entry.version),
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill();
      }),
  };
}

/** A GET on a fresh connection: a kept-alive socket may have closed while the test was blocked in spawnSync. */
function getJson(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    }).on('error', reject);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = await serve(JSON.parse(process.env.NX_CARGO_TEST_REGISTRY));
  console.log(port);
}
