// A cargo registry on 127.0.0.1 for e2e tests: the publish web API
// (PUT /api/v1/crates/new) and a sparse index (config.json, one file per
// crate, a download endpoint), as cargo's registry documentation describes
// them. It keeps everything in memory and logs each publish attempt in order.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

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
 * Starts the registry. `reject(name, version)` may return a message: that
 * publish is refused with it (HTTP 400, in the API's error format).
 * Returns { url, index, token, log, crates, close }: `log` lists every
 * publish attempt as { name, version, outcome: 'published' | 'rejected' | 'duplicate' | 'unauthorized' }.
 */
export async function startCargoRegistry({ token = 'e2e-registry-token', reject = () => undefined } = {}) {
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
      try {
        route(req, res, Buffer.concat(chunks));
      } catch (error) {
        apiError(res, 500, String(error?.stack ?? error));
      }
    });
  });

  function route(req, res, body) {
    const url = new URL(req.url, base);
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
      const refusal = reject(metadata.name, metadata.vers);
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
  return {
    url: base,
    /** The `index` value for `[registries.<name>]` in .cargo/config.toml. */
    index: `sparse+${base}/index/`,
    token,
    log,
    /** Published versions by crate name. */
    versions: (name) => (crates.get(name.toLowerCase())?.entries ?? []).map((entry) => entry.vers),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
