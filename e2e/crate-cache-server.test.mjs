// The crate cache server when things go wrong, with real cargo under real
// nx: the server killed mid-build, a full disk, a read-only store; a socket
// no other user can reach; and stores that are all done when a task ends,
// even when its folder is removed at once. A build always succeeds with
// the right outputs, and the task's crate cache line says what was not
// cached and why.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';
import { CACHE_CLI, cargo, cleanTarget, freshWorkspace, newStore, runBinary } from './support/crate-cache-scenario.mjs';

const ENV = { APP_MODE: 'dev' };
const APP_OUTPUT = /3 words, first space at 5, mode dev, value 1, plain\nLOUD/;

/** Mounting file systems needs root (CI runs as root); elsewhere these tests say why they skip. */
const canMount = (() => {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs store';
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  return mounted ? true : 'mount -t tmpfs is not permitted here';
})();

/** A tmpfs of `size` for a store, unmounted by `after`. */
function tmpfsStore(size, mounts) {
  const dir = mkdtempSync(join(tmpdir(), 'crate-cache-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

function storeEntries(store) {
  const entries = join(store, 'entries');
  return existsSync(entries) ? readdirSync(entries).flatMap((shard) => readdirSync(join(entries, shard))).length : 0;
}

function cacheLine(output) {
  const line = /crate cache: [^\n]*/.exec(output)?.[0];
  assert.ok(line, `no crate cache line in:\n${output}`);
  return line;
}

describe('crate cache server faults, under nx', { concurrency: false }, () => {
  const mounts = [];
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('crate-cache');
  });
  after(() => {
    ws.dispose();
    for (const dir of mounts) spawnSync('umount', ['-l', dir]);
  });

  const build = (env) => {
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    const result = ws.nx(['build', 'app', '--skip-nx-cache'], { ...ENV, ...env });
    assert.equal(result.status, 0, result.output);
    assert.match(runBinary(ws.root), APP_OUTPUT);
    return result;
  };

  it('a server killed while rustc runs costs that unit its store, never the build', () => {
    const store = mkdtempSync(join(tmpdir(), 'crate-cache-kill-'));
    // The witness rustc kills the cache server while the client waits for words to compile.
    const killer = join(store, '..', `kill-server-${process.pid}.sh`);
    writeFileSync(killer, `#!/bin/bash\nfor a in "$@"; do [ "$a" = words ] && pkill -9 -f "server/main.js ${store}/"; done\nexec rustc "$@"\n`);
    chmodSync(killer, 0o755);
    // One unit at a time, so that words is the only one in flight when the server dies.
    const line = cacheLine(build({ NX_CARGO_CRATE_CACHE_DIR: store, RUSTC: killer, CARGO_BUILD_JOBS: '1' }).stdout);
    assert.match(line, /1 not cached \(not stored: the cache server went away while rustc ran/);
    // The next build restores everything but words (app, built against the same words, is restored).
    assert.match(cacheLine(build({ NX_CARGO_CRATE_CACHE_DIR: store }).stdout), /crate cache: \d+ restored, 1 compiled, 0 passed through$/);
  });

  it('a full disk: the build succeeds and the line says the units were not stored', { skip: canMount !== true && canMount }, () => {
    const store = tmpfsStore('1m', mounts);
    const line = cacheLine(build({ NX_CARGO_CRATE_CACHE_DIR: store }).stdout);
    assert.match(line, /\d+ not cached \(not stored: .*ENOSPC: no space left on device/);
  });

  it('a read-only store: the build runs without the cache and says why', { skip: canMount !== true && canMount }, () => {
    const store = tmpfsStore('8m', mounts);
    execFileSync('mount', ['-o', 'remount,ro', store]);
    const line = cacheLine(build({ NX_CARGO_CRATE_CACHE_DIR: store }).stdout);
    assert.match(line, new RegExp(`crate cache: store ${store} is not writable \\(EROFS: read-only file system.*\\), so this build runs without it`));
  });
});

describe('who may talk to the cache server', () => {
  it('only its owner: another user cannot connect to its socket', { skip: process.getuid?.() !== 0 && 'needs root to run a check as another user' }, () => {
    const store = mkdtempSync(join(tmpdir(), 'crate-cache-shared-'));
    // A store in a folder everyone can enter, as a shared folder would be.
    chmodSync(store, 0o755);
    const workspace = freshWorkspace();
    cargo(workspace, { store });
    const socket = readdirSync(store).find((name) => /^server-[0-9a-f]+\.sock$/.test(name));
    assert.ok(socket, 'the server is up');
    assert.equal(statSync(join(store, socket)).mode & 0o777, 0o600);
    const connect = (uid) =>
      spawnSync('setpriv', [...(uid === undefined ? [] : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups']), process.execPath, '-e', `require('net').connect(${JSON.stringify(join(store, socket))}).on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(1); })`], { encoding: 'utf8' });
    const stranger = connect(65534);
    assert.equal(stranger.status, 1);
    assert.match(stranger.stdout, /EACCES/);
    // Negative control: the owner connects.
    assert.equal(connect(undefined).status, 0);
  });
});

describe('pending stores', () => {
  // The server stores after cargo has its answer; a test-only delay makes that window long enough to see.
  const SLOW = { NX_CARGO_CRATE_CACHE_TEST_STORE_DELAY_MS: '1500' };

  it('are done when an nx task ends, even if the workspace is removed right after', () => {
    const store = mkdtempSync(join(tmpdir(), 'crate-cache-flush-'));
    const other = NxWorkspace.fromFixture('crate-cache');
    const result = other.nx(['build', 'app'], { ...ENV, ...SLOW, NX_CARGO_CRATE_CACHE_DIR: store });
    other.dispose();
    assert.equal(result.status, 0, result.output);
    const compiled = Number(/crate cache: \d+ restored, (\d+) compiled/.exec(result.stdout)[1]);
    assert.ok(compiled >= 10);
    assert.equal(storeEntries(store), compiled, 'every compiled unit is stored by the time the task ends');
  });

  it('negative control: plain cargo does not wait; nx-cargo-crate-cache flush does, and nothing is lost with target/ gone', () => {
    const store = newStore();
    const workspace = freshWorkspace();
    cargo(workspace, { store, env: SLOW, settle: false });
    cleanTarget(workspace);
    const right = storeEntries(store);
    execFileSync(process.execPath, [CACHE_CLI, 'flush'], { env: { ...process.env, NX_CARGO_CRATE_CACHE_DIR: store }, encoding: 'utf8' });
    const flushed = storeEntries(store);
    assert.ok(right < flushed, `right after cargo: ${right} entries, after flush: ${flushed}`);
    assert.ok(flushed >= 10);
    const log = readFileSync(join(store, 'events/log.jsonl'), 'utf8');
    assert.doesNotMatch(log, /not stored/, 'no store failed for want of the removed target dir');
    mkdirSync(join(workspace, 'target'), { recursive: true });
  });
});
