// nx-cargo-audit against real nx and real cargo: a crate that reads a file
// outside its folder (include_str!) and a variable (env!) is built from the
// Nx cache after either changes, until both are declared; the audit names
// exactly those two, and is silent once they are declared.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const FROM_CACHE = /\[local cache\]/;
const FILE_FINDING =
  'shared/data.txt, read by include_str! while compiling app, is not among app:build\'s inputs: add "{workspaceRoot}/shared/data.txt" to [package.metadata.nx] inputs in crates/app/Cargo.toml';
const ENV_FINDING = 'env APP_MODE, read by env! while compiling app, is not among app:build\'s inputs: add { env = "APP_MODE" } to [package.metadata.nx] inputs in crates/app/Cargo.toml';

describe('nx-cargo-audit', () => {
  let ws;
  let manifest;
  before(() => {
    ws = NxWorkspace.fromFixture('audit');
    manifest = ws.read('crates/app/Cargo.toml');
  });
  after(() => ws.dispose());

  /** Runs the audit in the workspace root as `npx nx-cargo-audit` would; APP_MODE=dev unless `env` says otherwise. */
  const audit = (args, env = {}) => {
    const result = spawnSync(process.execPath, [ws.bin('nx-cargo-audit'), ...args], { cwd: ws.root, env: ws.nxEnv({ APP_MODE: 'dev', ...env }), encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const findings = (result) => result.stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
  /** app's manifest with `[package.metadata.nx] inputs` set to `entries` (TOML), or without the table. */
  const declare = (entries) => ws.write('crates/app/Cargo.toml', entries === undefined ? manifest : `${manifest}\n[package.metadata.nx]\ninputs = [${entries.join(', ')}]\n`);

  it('the problem: Nx replays app:build from its cache after the file or the variable changed', () => {
    ws.nxOk(['build', 'app'], { APP_MODE: 'dev' });
    ws.write('shared/data.txt', 'changed shared data\n');
    assert.match(ws.nxOk(['build', 'app'], { APP_MODE: 'dev' }).output, FROM_CACHE);
    assert.match(ws.nxOk(['build', 'app'], { APP_MODE: 'prod' }).output, FROM_CACHE);
  });

  it('names the file and the variable, and nothing else, with their fixes; exit 1', () => {
    const result = audit(['app']);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(findings(result), [FILE_FINDING, ENV_FINDING]);
    // Covered reads are checked, not reported: sources of app and util, util's build-script files, RUSTFLAGS, manifests and lock file.
    assert.match(result.stdout, /\(10 files and 2 variables checked\)/);
  });

  it('--json lists the same findings for machines', () => {
    const result = audit(['app', '--json']);
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.project, 'app');
    assert.equal(report.target, 'build');
    assert.deepEqual(report.problems, []);
    assert.deepEqual(
      report.uncovered.map(({ kind, subject, status, fix }) => ({ kind, subject, status, fix })),
      [
        { kind: 'file', subject: 'shared/data.txt', status: 'undeclared', fix: { manifestFile: 'crates/app/Cargo.toml', input: '{workspaceRoot}/shared/data.txt' } },
        { kind: 'env', subject: 'APP_MODE', status: 'undeclared', fix: { manifestFile: 'crates/app/Cargo.toml', input: { env: 'APP_MODE' } } },
      ],
    );
  });

  it('audits the test target through `cargo test --no-run`', () => {
    const result = audit(['app', '--target', 'test']);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(findings(result), [FILE_FINDING.replace('app:build', 'app:test'), ENV_FINDING.replace('app:build', 'app:test')]);
  });

  it('stops with the build error when the build cannot run (APP_MODE unset); exit 2', () => {
    const result = audit(['app'], { APP_MODE: undefined });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /the audit needs the build to succeed/);
    assert.match(result.stderr, /APP_MODE/);
  });

  it('is silent once both are declared in [package.metadata.nx] inputs; exit 0', () => {
    declare(['"{workspaceRoot}/shared/data.txt"', '{ env = "APP_MODE" }']);
    const result = audit(['app']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /every workspace file, variable and program app:build's build read is among its inputs/);
    assert.deepEqual(findings(result), []);
  });

  it('and then a change to either reaches the task hash', () => {
    ws.nxOk(['build', 'app'], { APP_MODE: 'dev' });
    ws.write('shared/data.txt', 'changed again\n');
    assert.doesNotMatch(ws.nxOk(['build', 'app'], { APP_MODE: 'dev' }).output, FROM_CACHE);
    assert.doesNotMatch(ws.nxOk(['build', 'app'], { APP_MODE: 'prod' }).output, FROM_CACHE);
  });

  it('negative control: with one declaration dropped, the audit names that one again', () => {
    declare(['{ env = "APP_MODE" }']);
    const withoutFile = audit(['app']);
    assert.equal(withoutFile.status, 1, withoutFile.stdout + withoutFile.stderr);
    assert.deepEqual(findings(withoutFile), [FILE_FINDING]);

    declare(['"{workspaceRoot}/shared/data.txt"']);
    const withoutEnv = audit(['app']);
    assert.equal(withoutEnv.status, 1, withoutEnv.stdout + withoutEnv.stderr);
    assert.deepEqual(findings(withoutEnv), [ENV_FINDING]);
  });

  it('tells a declared but ignored file from an undeclared one', () => {
    declare(['"{workspaceRoot}/shared/data.txt"', '{ env = "APP_MODE" }']);
    ws.write('.gitignore', `${ws.read('.gitignore')}shared/\n`);
    const result = audit(['app']);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(findings(result), [
      "shared/data.txt, read by include_str! while compiling app, is named by app:build's inputs, but Nx does not hash it (is it ignored by .gitignore or .nxignore?): stop ignoring it, so that a change to it changes the task hash",
    ]);
  });
});
