// What a new user meets first, with the packages installed from their
// tarballs: `nx build` from a script (no terminal) on a workspace that has
// never run `nx sync`, again after cargo rewrites Cargo.lock, with the crate
// cache running through its native client; `nx sync:check` still guards CI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

/** The crate cache servers running for a store: their sockets, and the processes serving them. */
function cacheServers(ws) {
  const store = join(ws.root, '.nx/crate-cache');
  const sockets = existsSync(store) ? readdirSync(store).filter((name) => /^server-[0-9a-f]+\.sock$/.test(name)) : [];
  let processes = [];
  try {
    processes = execFileSync('pgrep', ['-f', `server/main.js ${store}/`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    // pgrep exits 1 when nothing matches.
  }
  return { sockets, processes };
}

describe('first run, from a script', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
  });
  after(() => ws.dispose());

  it('builds with no sync files written and no terminal, through the native crate cache client', () => {
    assert.equal(existsSync(join(ws.root, 'crates/words/.nx-cargo-inputs.txt')), false, 'no nx sync has run');
    const build = ws.nx(['build', 'hello-cli']);
    assert.equal(build.status, 0, build.output);
    assert.doesNotMatch(build.output, /out of sync/i);
    assert.match(build.stdout, /crate cache: 0 restored, 3 compiled/);
    const servers = cacheServers(ws);
    assert.equal(servers.sockets.length, 1, `one cache server socket in the store: ${servers.sockets}`);
    assert.equal(servers.processes.length, 1, 'the server the native client started is running');
    assert.doesNotMatch(build.output, /starts Node/, 'no word of the slow path');
  });

  it('negative control: with crateCache off no server starts', () => {
    const other = NxWorkspace.fromFixture('basic');
    try {
      other.nxOk(['build', 'hello-cli', '--crateCache=off']);
      assert.deepEqual(cacheServers(other), { sockets: [], processes: [] });
    } finally {
      other.dispose();
    }
  });

  it('builds again after cargo rewrites Cargo.lock (a new dependency), still without nx sync', () => {
    ws.write('crates/words/Cargo.toml', `${ws.read('crates/words/Cargo.toml')}\n[dependencies.itoa]\nversion = "=1.0.1"\n`);
    const lockBefore = ws.read('Cargo.lock');
    const build = ws.nx(['build', 'hello-cli']);
    assert.equal(build.status, 0, build.output);
    assert.notEqual(ws.read('Cargo.lock'), lockBefore, 'cargo added itoa to Cargo.lock');
    assert.equal(ws.nx(['build', 'words']).status, 0);
  });

  it('nx sync:check fails until nx sync writes the files, then passes', () => {
    const stale = ws.nx(['sync:check']);
    assert.notEqual(stale.status, 0);
    assert.match(stale.output, /nx-cargo's inputs files do not match Cargo\.toml and Cargo\.lock/);
    ws.nxOk(['sync']);
    assert.ok(existsSync(join(ws.root, 'crates/words/.nx-cargo-inputs.txt')));
    assert.equal(ws.nx(['sync:check']).status, 0);
  });
});
