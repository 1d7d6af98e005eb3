// Real cargo and rustc build the fixture workspace with the recorder
// preloaded; the recording must show what its proc macro and build script
// read, attributed to them. The same assertions must fail without the
// library, and the macro's must fail with attribution switched off.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildRecorder } from './build.js';
import type { RecordedProcess } from './log.js';
import { readRecording } from './read.js';
import { buildScriptReads, compileReads, processRole } from './reads.js';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'recorder');

type Mode = 'recorded' | 'no-preload' | 'no-attribution';

let library: string;
let workspace: string;
const temps: string[] = [];

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

before(async () => {
  library = await buildRecorder({ storeRoot: tempDir('recorder-store-') });
  workspace = tempDir('recorder-ws-');
  cpSync(FIXTURE, workspace, { recursive: true });
});

after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Builds the workspace (app's units afresh) and returns the recording and what the binary printed. */
async function build(mode: Mode): Promise<{ processes: RecordedProcess[]; output: string }> {
  const record = tempDir('recorder-log-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CARGO_TARGET_DIR: join(workspace, 'target'),
    NX_CARGO_RECORD_DIR: record,
    RECORDER_GREETING: 'hi',
    RECORDER_BUILD_VAR: 'spicy',
  };
  if (mode !== 'no-preload') env.LD_PRELOAD = library;
  if (mode === 'no-attribution') env.NX_CARGO_RECORD_ATTRIBUTION = 'off';
  execFileSync('cargo', ['clean', '--quiet', '-p', 'app'], { cwd: workspace, env: { ...process.env, CARGO_TARGET_DIR: env.CARGO_TARGET_DIR } });
  const cargo = spawnSync('cargo', ['build', '--locked'], { cwd: workspace, env, encoding: 'utf8' });
  assert.equal(cargo.status, 0, cargo.stderr);
  // Each run must compile app and run its build script, or a control proves nothing.
  assert.match(cargo.stderr, /Compiling app v/);
  const output = execFileSync(join(workspace, 'target', 'debug', 'app'), { encoding: 'utf8' });
  return { processes: await readRecording(record), output };
}

function appCompile(processes: RecordedProcess[]): RecordedProcess {
  const compiles = processes.filter((p) => processRole(p) === 'rustc' && p.argv.includes('app') && p.argv.includes('bin'));
  assert.equal(compiles.length, 1, 'one rustc compile of the app binary is recorded');
  return compiles[0];
}

/** The proc macro's reads, each attributed to libprobe_macros-<hash>.so, and none of rustc's own. */
function assertMacroReads(processes: RecordedProcess[]): void {
  const compile = appCompile(processes);
  const { readers } = compileReads(compile);
  assert.deepEqual(
    readers.map((r) => r.reader.kind === 'proc-macro' && r.reader.crate),
    ['probe_macros'],
    'probe_macros is the only reader: serde_derive and thiserror read nothing that matters',
  );
  const [macro] = readers;
  assert.ok(macro.reader.kind === 'proc-macro');
  assert.match(macro.reader.object, /\/deps\/libprobe_macros-[0-9a-f]+\.so$/);
  assert.deepEqual(macro.reads, [
    { kind: 'env', name: 'RECORDER_GREETING', found: true, setByCargo: false },
    { kind: 'env', name: 'CARGO_MANIFEST_DIR', found: true, setByCargo: true },
    { kind: 'file', path: join(workspace, 'app', 'greeting.txt'), result: 'found' },
    { kind: 'dir', path: join(workspace, 'app', 'assets'), result: 'found' },
    { kind: 'program', program: 'sh', argv: ['sh', '-c', 'echo from-shell'], truncated: false },
  ]);
  // rustc itself read the crate's source and its own knobs: recorded, but as the program's.
  const main = join(workspace, 'app', 'src', 'main.rs');
  const own = compile.events.filter((e) => e.object === undefined);
  assert.ok(own.some((e) => e.kind === 'open' && e.path === main), "rustc's open of main.rs is its own");
  assert.ok(own.some((e) => e.kind === 'env' && e.name === 'RUSTC_BOOTSTRAP'), "rustc's RUSTC_BOOTSTRAP read is its own");
  assert.ok(!compile.events.some((e) => e.object !== undefined && e.kind === 'open' && e.path === main));
}

/** The build script's reads: a file and a variable, with no rerun-if lines. */
function assertBuildScriptReads(processes: RecordedProcess[]): void {
  const scripts = processes.filter((p) => processRole(p) === 'build-script' && p.context.CARGO_PKG_NAME === 'app');
  assert.equal(scripts.length, 1, "one run of app's build script is recorded");
  const [reads] = buildScriptReads(scripts[0]).readers;
  assert.deepEqual(reads.reader, { kind: 'build-script', package: 'app', exe: scripts[0].exe });
  assert.deepEqual(
    reads.reads.filter((r) => !(r.kind === 'env' && r.setByCargo)),
    [
      { kind: 'file', path: join(workspace, 'app', 'build-input.txt'), result: 'found' },
      { kind: 'env', name: 'RECORDER_BUILD_VAR', found: true, setByCargo: false },
    ],
  );
}

describe('recording a cargo build', () => {
  it("sees what app's proc macro and build script read, attributed to each", async () => {
    const { processes, output } = await build('recorded');
    assert.match(output, /^hi, world$/m, 'the macro saw the variable and the file');
    assert.match(output, /^assets: one\.txt,two\.txt$/m);
    assert.match(output, /^shell: from-shell$/m);
    assert.match(output, /^build: from-file spicy$/m);
    assertMacroReads(processes);
    assertBuildScriptReads(processes);
  });

  it('negative control: without the library nothing is recorded and both assertions fail', async () => {
    const { processes, output } = await build('no-preload');
    assert.match(output, /^hi, world$/m, 'the same build');
    assert.deepEqual(processes, []);
    assert.throws(() => assertMacroReads(processes), assert.AssertionError);
    assert.throws(() => assertBuildScriptReads(processes), assert.AssertionError);
  });

  it("negative control: with attribution off the macro's reads are rustc's, and only the macro assertion fails", async () => {
    const { processes } = await build('no-attribution');
    const compile = appCompile(processes);
    assert.ok(compile.events.some((e) => e.kind === 'env' && e.name === 'RECORDER_GREETING' && e.object === undefined), 'the read is still recorded');
    assert.throws(() => assertMacroReads(processes), assert.AssertionError);
    assertBuildScriptReads(processes);
  });
});
