// nx-cargo-audit and strict inputs with the read recorder, real nx and real
// cargo on e2e/fixtures/macro-reads: what a proc macro reads while it
// expands (a variable, a file, a folder listing, a program), what a build
// script reads without rerun-if lines, and a build script's `git rev-parse`.
// Before the declarations Nx replays app:build from its cache after any of
// them changed; the audit names each with its reader and the line to add,
// strict mode fails with the same lines, and after --fix both are silent and
// each change reaches the task hash. The negative control switches the
// recording off: the audit then misses exactly the rows that need it.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

const FROM_CACHE = /\[local cache\]/;
const MANIFEST = 'crates/app/Cargo.toml';
const rerun = (line, crate) => `; and print \`${line}\` from the build script of ${crate}, or cargo will not rerun it when this changes`;
const tail = (input) => `is not among app:build's inputs: add ${input} to [package.metadata.nx] inputs in ${MANIFEST}`;

/** What only the recording sees: proc macros' and build scripts' reads, and the program a build script runs. */
const RECORDED = [
  `data/build-input.txt, read by the build script of configured (a dependency of app), ${tail('"{workspaceRoot}/data/build-input.txt"')}${rerun('cargo:rerun-if-changed=../../data/build-input.txt', 'configured')}`,
  `data/greeting.txt, read by proc macro greet_macros while compiling app, ${tail('"{workspaceRoot}/data/greeting.txt"')}`,
  `the listing of data/assets, read by proc macro greet_macros while compiling app, ${tail('"{workspaceRoot}/data/assets/**/*"')}`,
  `env APP_GREETING, read by proc macro greet_macros while compiling app, ${tail('{ env = "APP_GREETING" }')}`,
  `env BUILD_FLAVOUR (unset in this build), read by the build script of configured (a dependency of app), ${tail('{ env = "BUILD_FLAVOUR" }')}${rerun('cargo:rerun-if-env-changed=BUILD_FLAVOUR', 'configured')}`,
  `env COMMIT_SHA (unset in this build), read by the build script of version_info (a dependency of app), ${tail('{ env = "COMMIT_SHA" }')}${rerun('cargo:rerun-if-env-changed=COMMIT_SHA', 'version_info')}`,
  `\`git rev-parse HEAD\` in crates/version_info, run by the build script of version_info (a dependency of app), ${tail('{ runtime = "cd crates/version_info && git rev-parse HEAD" }')}`,
];
/** What rustc's dep-info records (an `option_env!` this test adds): found with or without the recording. */
const FROM_DEP_INFO = `env BUILT_BY (unset in this build), read by option_env! while compiling version_info (a dependency of app), ${tail('{ env = "BUILT_BY" }')}`;
const ALL = [...RECORDED.slice(0, 5), FROM_DEP_INFO, ...RECORDED.slice(5)];

describe('nx-cargo-audit and strict inputs with the read recorder (macro-reads)', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('macro-reads');
    ws.write('crates/version_info/src/lib.rs', `${ws.read('crates/version_info/src/lib.rs')}pub const BUILT_BY: Option<&str> = option_env!("BUILT_BY");\n`);
    ws.git('init', '-q');
    ws.git('add', '-A');
    ws.git('commit', '-qm', 'first');
  });
  after(() => ws.dispose());

  const env = (extra = {}) => ws.nxEnv({ APP_GREETING: 'hello', ...extra });
  const audit = (args, extra = {}) => {
    const result = spawnSync(process.execPath, [ws.bin('nx-cargo-audit'), ...args], { cwd: ws.root, env: env(extra), encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, findings: result.stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim()) };
  };
  const build = (extra = {}, args = []) => ws.nx(['build', 'app', ...args], env(extra));
  const app = () => execFileSync(join(ws.root, 'target/debug/app'), { encoding: 'utf8' });
  /** A build as CI starts it: no target dir, an empty crate cache, so every unit compiles and is recorded. */
  const cold = () => {
    rmSync(join(ws.root, 'target'), { recursive: true, force: true });
    mkdirSync(join(ws.root, '.nx'), { recursive: true });
    return { NX_CARGO_CRATE_CACHE_DIR: mkdtempSync(join(ws.root, '.nx/crate-cache-')) };
  };

  it('the problem: Nx replays app:build from its cache after the variable, a listed folder or the commit changed', () => {
    assert.equal(build().status, 0);
    assert.match(build({ APP_GREETING: 'bonjour' }).output, FROM_CACHE);
    ws.write('data/assets/three.txt', 'three\n');
    assert.match(build().output, FROM_CACHE);
    ws.git('commit', '-q', '--allow-empty', '-m', 'second');
    assert.match(build().output, FROM_CACHE);
  });

  it('the audit names every undeclared read with its reader and the line to add; exit 1', () => {
    const result = audit(['app']);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(result.findings, ALL);
    assert.match(result.stdout, /\(\d+ files, 4 variables and 1 program checked\)/);
  });

  it('negative control: with the recording switched off, the audit misses exactly the rows that need it', () => {
    const result = audit(['app'], { NX_CARGO_AUDIT_TEST_RECORD: 'off' });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(result.findings, [FROM_DEP_INFO]);
    assert.deepEqual(ALL.filter((line) => !result.findings.includes(line)), RECORDED);
    assert.match(result.stderr, /recording switched off/);
  });

  it('names a program a proc macro runs, with the runtime input that reruns it', () => {
    const result = audit(['runner']);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual(result.findings, [
      `\`sh -c 'echo from-shell'\`, run by proc macro greet_macros while compiling runner, is not among runner:build's inputs: add { runtime = "sh -c 'echo from-shell'" } to [package.metadata.nx] inputs in crates/runner/Cargo.toml`,
    ]);
  });

  it('strict inputs fail a build that reads something undeclared, with the same lines (batch, and the single executor)', () => {
    const batched = build({ ...cold(), NX_CARGO_STRICT_INPUTS: '1' }, ['--skip-nx-cache']);
    assert.notEqual(batched.status, 0);
    assert.match(batched.output, /nx-cargo: strict inputs: app:build's build read 8 things that its inputs do not cover/);
    for (const line of ALL) assert.ok(batched.output.includes(line), `strict output lacks: ${line}\n${batched.output}`);

    const unrecorded = build({ ...cold(), NX_CARGO_STRICT_INPUTS: '1', NX_CARGO_AUDIT_TEST_RECORD: 'off' }, ['--skip-nx-cache']);
    assert.notEqual(unrecorded.status, 0);
    assert.match(unrecorded.output, /app:build's build read 1 thing that its inputs do not cover/, 'negative control: unrecorded, strict mode sees dep-info only');
    assert.ok(unrecorded.output.includes(FROM_DEP_INFO));

    const single = ws.nx(['build', 'runner', '--batch=false', '--strictInputs', '--skip-nx-cache'], env(cold()));
    assert.notEqual(single.status, 0);
    assert.match(single.output, /`sh -c 'echo from-shell'`, run by proc macro greet_macros while compiling runner, is not among runner:build's inputs/);
  });

  it('--fix writes the declarations into the crate manifest; the audit is then silent; exit 0', () => {
    const fixed = audit(['app', '--fix']);
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    const manifest = ws.read(MANIFEST);
    for (const input of ['"{workspaceRoot}/data/greeting.txt"', '"{workspaceRoot}/data/assets/**/*"', '{ env = "APP_GREETING" }', '{ runtime = "cd crates/version_info && git rev-parse HEAD" }']) {
      assert.ok(manifest.includes(input), `${input} not in\n${manifest}`);
    }
    const again = audit(['app']);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.deepEqual(again.findings, []);
    assert.match(again.stdout, /every workspace file, variable and program app:build's build read is among its inputs/);
  });

  it('strict inputs pass the same cold build once declared', () => {
    const result = build({ ...cold(), NX_CARGO_STRICT_INPUTS: '1' }, ['--skip-nx-cache']);
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.output, /strict inputs:/);
  });

  it('a change to the declared variable or folder is a task-cache miss, and the binary has it', () => {
    assert.equal(build().status, 0);
    assert.match(build().output, FROM_CACHE);
    assert.doesNotMatch(build({ APP_GREETING: 'bonjour' }).output, FROM_CACHE);
    ws.write('data/assets/four.txt', 'four\n');
    assert.doesNotMatch(build({ APP_GREETING: 'bonjour' }).output, FROM_CACHE);
    // cargo's own fingerprint does not know what a proc macro read: a fresh target dir (as in CI) rebuilds app.
    assert.equal(build({ ...cold(), APP_GREETING: 'bonjour' }, ['--skip-nx-cache']).status, 0);
    assert.match(app(), /^greeting: bonjour \/ hello from the file\nassets: four\.txt,one\.txt,three\.txt,two\.txt$/m);
  });

  it('with the runtime input declared, a commit is a task-cache miss and the binary prints the new commit', () => {
    assert.equal(build().status, 0);
    assert.match(build().output, FROM_CACHE);
    ws.git('commit', '-q', '--allow-empty', '-m', 'third');
    const head = ws.git('rev-parse', 'HEAD').trim();
    // cargo reruns a build script without rerun-if lines only when its package changes: CI's fresh target dir runs it.
    const result = build(cold());
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.output, FROM_CACHE);
    assert.match(app(), new RegExp(`^commit: ${head}$`, 'm'));
  });
});
