// Proc macros from crates.io that no one here wrote, under the crate cache
// (built-in wrapper, witnessed outside it) and nx-cargo-audit, on
// e2e/fixtures/real-macros: serde_derive and thiserror (they read nothing
// while they expand: no finding, no miss) and sqlx 0.9's query! in offline
// mode (it reads .sqlx/query-<hash>.json, probes sqlx.toml and a .env in
// every folder up from the crate, and reads DATABASE_URL, SQLX_OFFLINE and
// SQLX_OFFLINE_DIR). Each part has its negative control: the recording off.
// All three come through facade crates (serde, thiserror, sqlx): rustc loads
// the macro's .so from the facade's metadata, and the compile that expands
// it has no --extern naming a .so.
// Heavy: SQLite's C source compiles twice in a cold build (once for the
// macro, once for the program); each cold build takes a minute or more on 2
// cores.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';
import { cargo, cleanTarget, freshWorkspace, newStore, sorted } from './support/crate-cache-scenario.mjs';

const FIXTURE = 'real-macros';
const QUERY_DIR = 'crates/queries/.sqlx';
const ENV = { SQLX_OFFLINE: 'true' };

/** The units the real rustc compiled, less autocfg's probes (num-traits' build script compiles two each run). */
const units = (run) => sorted(run.compiled).filter((label) => !/\/autocfg_[0-9a-f]+_\d+$/.test(label));

/** Marks the query's third column NOT NULL in its offline description: query! then types it `String`, not `Option<String>`. */
function editQueryFile(workspace) {
  const [name] = readdirSync(join(workspace, QUERY_DIR));
  const file = join(workspace, QUERY_DIR, name);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  data.describe.nullable = [false, false, false];
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

describe('crate cache on real proc macros (serde_derive, thiserror, sqlx query! offline)', () => {
  /** Builds cold into a new store, then in a second checkout edits the query file and builds again. */
  const editAfterColdBuild = (record) => {
    const env = { ...ENV, ...(record ? {} : { NX_CARGO_CRATE_CACHE_TEST_RECORD: 'off' }) };
    const store = newStore();
    const cold = cargo(freshWorkspace(FIXTURE), { args: ['build', '-p', 'app'], env, store });
    const checkout = freshWorkspace(FIXTURE);
    const unchanged = cargo(checkout, { args: ['build', '-p', 'app'], env, store });
    editQueryFile(checkout);
    cleanTarget(checkout);
    const edited = cargo(checkout, { args: ['build', '-p', 'app'], env, store });
    return { cold, unchanged, edited };
  };

  let recorded;
  before(() => {
    recorded = editAfterColdBuild(true);
  });

  it('a second checkout compiles nothing: serde_derive, thiserror and query! read the same as before', () => {
    assert.ok(recorded.cold.compiled.has('queries/queries') && recorded.cold.compiled.has('models/models'), sorted(recorded.cold.compiled).join(' '));
    assert.deepEqual(units(recorded.unchanged), []);
  });

  it('editing a query file recompiles the crate whose query! read it (and what links it), nothing else', () => {
    assert.deepEqual(units(recorded.edited), ['app/app', 'queries/queries']);
  });

  it('negative control: with the recording off, the edited query file is served stale', () => {
    const unrecorded = editAfterColdBuild(false);
    assert.deepEqual(units(unrecorded.unchanged), []);
    assert.ok(!unrecorded.edited.compiled.has('queries/queries'), `queries recompiled without the recording: ${sorted(unrecorded.edited.compiled).join(' ')}`);
  });
});

describe('nx-cargo-audit on real proc macros', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture(FIXTURE);
  });
  after(() => ws.dispose());

  const audit = (extra = {}) => {
    const result = spawnSync(process.execPath, [ws.bin('nx-cargo-audit'), 'app', '--json'], { cwd: ws.root, env: ws.nxEnv({ ...ENV, ...extra }), encoding: 'utf8' });
    assert.ok(result.status === 0 || result.status === 1, result.stdout + result.stderr);
    return JSON.parse(result.stdout);
  };
  const rows = (report) => report.uncovered.map((finding) => `${finding.kind} ${finding.subject} <- ${finding.readers.map((reader) => `${reader.package}: ${reader.via}`).join(' | ')}`);
  const SQLX = 'queries: proc macro sqlx_macros';

  let report;
  before(() => {
    report = audit();
  });

  it("names what sqlx's query! reads that app:build's inputs miss: its variables, and the .env files it looks for above the crate", () => {
    assert.deepEqual(report.recording, 'on');
    assert.deepEqual(rows(report), [
      `file .env <- ${SQLX}`,
      `file crates/.env <- ${SQLX}`,
      `env DATABASE_URL <- ${SQLX}`,
      `env SQLX_OFFLINE <- ${SQLX}`,
      `env SQLX_OFFLINE_DIR <- ${SQLX}`,
    ]);
    const offline = report.uncovered.find((finding) => finding.subject === 'SQLX_OFFLINE');
    assert.match(offline.message, /^env SQLX_OFFLINE, read by proc macro sqlx_macros while compiling queries \(a dependency of app\), is not among app:build's inputs: add \{ env = "SQLX_OFFLINE" \}/);
  });

  it('sees the query file and the files it probes inside the crate, which the crate\'s own inputs cover', () => {
    const covered = report.covered.filter((entry) => entry.readers.some((reader) => reader.via === 'proc macro sqlx_macros')).map((entry) => entry.subject);
    assert.deepEqual(covered.sort(), ['crates/queries/.env', `${QUERY_DIR}/${readdirSync(join(ws.root, QUERY_DIR))[0]}`, 'crates/queries/sqlx.toml'].sort());
  });

  it('serde_derive and thiserror read nothing while they expand: no reader is either of them', () => {
    const readers = [...report.uncovered, ...report.covered].flatMap((entry) => entry.readers.map((reader) => reader.via));
    assert.ok(!readers.some((via) => /serde|thiserror/.test(via)), readers.filter((via) => /serde|thiserror/.test(via)).join(', '));
  });

  it('negative control: with the recording off, the audit sees none of what query! reads', () => {
    const unrecorded = audit({ NX_CARGO_AUDIT_TEST_RECORD: 'off' });
    assert.deepEqual(rows(unrecorded), []);
    assert.ok(!unrecorded.covered.some((entry) => entry.subject.startsWith(QUERY_DIR)));
  });
});
