// The everyday edit-build loop over units the crate cache restored, with
// real cargo and the witnesses of e2e/support/crate-cache-scenario.mjs: a
// restored unit must be a file rustc can write over and cargo finds fresh,
// as if rustc had just produced it. The negative control restores the old
// way (hard links to the store's read-only blobs, with their old mtimes).
import assert from 'node:assert/strict';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';
import { cargo, cleanTarget, freshWorkspace, newStore, runBinary, sorted } from './support/crate-cache-scenario.mjs';

const OLD_RESTORE = { NX_CARGO_CRATE_CACHE_TEST_RESTORE: 'link' };

/**
 * A workspace whose units were restored: a cold build fills the store, then
 * a build after `rm -rf target`; only `uncacheable` units compile again.
 */
function restoredWorkspace(env = {}, args = ['build', '-p', 'app'], uncacheable = []) {
  const workspace = freshWorkspace();
  const store = newStore();
  cargo(workspace, { store, env, args });
  cleanTarget(workspace);
  const restored = cargo(workspace, { store, env, args });
  assert.deepEqual(sorted(restored.compiled), uncacheable, 'every other unit came from the cache');
  return { workspace, store, env };
}

/** Runs `scenario` and says whether it held (it throws or asserts when not). */
function holds(scenario) {
  try {
    scenario();
    return { held: true };
  } catch (error) {
    return { held: false, why: error.message.split('\n').slice(0, 6).join(' ') };
  }
}

function editRestoredLibrary(env) {
  const { workspace, store } = restoredWorkspace(env);
  appendFileSync(join(workspace, 'crates/words/src/lib.rs'), '\npub fn more() {}\n');
  const edited = cargo(workspace, { store, env });
  assert.deepEqual(sorted(edited.compiled), ['app/app', 'words/words']);
  assert.match(runBinary(workspace), /3 words/);
}

function unchangedBuildIsFresh(env) {
  const { workspace, store } = restoredWorkspace(env);
  // gen has a build script, app depends on it: the units below a build script run.
  const again = cargo(workspace, { store, env, args: ['build', '-v', '-p', 'app'] });
  const dirty = again.stderr.split('\n').filter((line) => /Dirty/.test(line));
  assert.deepEqual(dirty, [], 'cargo finds every restored unit fresh');
  assert.deepEqual([...again.requested.keys()], [], 'cargo asks for no unit at all: zero restores, zero compiles');
}

describe('the edit-build loop over restored units (real cargo)', { concurrency: false }, () => {
  it('edits a restored library and builds again', (t) => {
    editRestoredLibrary({});
    const old = holds(() => editRestoredLibrary(OLD_RESTORE));
    assert.equal(old.held, false, 'negative control: with hard-linked restores the edit must fail to build');
    t.diagnostic(`old restore: ${old.why}`);
  });

  it('runs cargo check and cargo test over restored units', () => {
    const { workspace, store } = restoredWorkspace();
    cargo(workspace, { store, args: ['check', '-p', 'app'] });
    const test = cargo(workspace, { store, args: ['test', '-p', 'words'] });
    assert.ok(test.compiled.has('words/words'), 'the test harness is a unit of its own');
  });

  it('builds twice over a restore a crate whose build script writes something new on every run', () => {
    // Its build script is restored; the crate it generates has new inputs on every run.
    const { workspace, store } = restoredWorkspace({}, ['build', '-p', 'stamp'], ['stamp/stamp']);
    const again = cargo(workspace, { store, args: ['build', '-p', 'stamp'] });
    assert.deepEqual([...again.requested.keys()], []);
    const rerun = cargo(workspace, { store, args: ['build', '-p', 'stamp'], env: { STAMP_RUN: 'again' } });
    assert.deepEqual(sorted(rerun.compiled), ['stamp/stamp'], 'the new output is compiled over the restored one');
  });

  it('finds restored units below a build script fresh: zero restores, zero compiles, no Dirty', (t) => {
    unchangedBuildIsFresh({});
    const old = holds(() => unchangedBuildIsFresh(OLD_RESTORE));
    assert.equal(old.held, false, 'negative control: restores with the blobs\' old mtimes look stale to cargo');
    t.diagnostic(`old restore: ${old.why}`);
  });
});

describe('the edit-build loop through nx', () => {
  let ws;
  after(() => ws?.dispose());

  it('builds after an edit to a library the crate cache restored', () => {
    ws = NxWorkspace.fromFixture('crate-cache');
    const env = { APP_MODE: 'dev' };
    ws.nxOk(['build', 'app'], env);
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    assert.match(ws.nxOk(['build', 'app', '--skip-nx-cache'], env).stdout, /crate cache: \d+ restored, 0 compiled/);
    appendFileSync(join(ws.root, 'crates/words/src/lib.rs'), '\npub fn more() {}\n');
    const edited = ws.nx(['build', 'app'], env);
    assert.equal(edited.status, 0, edited.output);
    assert.match(edited.stdout, /crate cache: \d+ restored, 2 compiled/);
  });
});
