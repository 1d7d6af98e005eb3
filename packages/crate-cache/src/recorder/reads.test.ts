import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProcessLog, type RecordedProcess } from './log.js';
import { buildScriptReads, compileReads, processRole, setByCargo } from './reads.js';

const TOOLCHAIN = '/rt/toolchains/stable';
const RUSTC = `${TOOLCHAIN}/bin/rustc`;
const MACRO = '/w/target/debug/deps/libprobe_macros-bde29af1bb384e9f.so';
const SERDE = '/w/target/debug/deps/libserde_derive-0123456789abcdef.so';

function log(header: string[], events: string[][]): RecordedProcess {
  return parseProcessLog('t.rec', [header, ...events].map((fields) => fields.join('\t')).join('\n') + '\n');
}

function rustc(events: string[][], extraArgv: string[] = []): RecordedProcess {
  const argv = [RUSTC, '--crate-name', 'app', '--extern', `probe_macros=${MACRO}`, '--extern', `serde_derive=${SERDE}`, ...extraArgv];
  return log(['nxrec1', '10', '9', '1', RUSTC, '/w', '1', 'CARGO_MANIFEST_DIR=/w/app', ...argv], events);
}

const OUT_DIR = '/w/target/debug/build/app-91a0b120e31eda27/out';
const BUILD_EXE = '/w/target/debug/build/app-992f77b1e7542367/build-script-build';

function buildScript(events: string[][], context: string[] = []): RecordedProcess {
  const ctx = ['CARGO_PKG_NAME=app', `OUT_DIR=${OUT_DIR}`, `RUSTC=${RUSTC}`, ...context];
  return log(['nxrec1', '20', '9', '1', BUILD_EXE, '/w/app', String(ctx.length), ...ctx, BUILD_EXE], events);
}

describe('processRole', () => {
  it('tells rustc compiles, build scripts and other programs apart', () => {
    assert.equal(processRole(rustc([])), 'rustc');
    assert.equal(processRole(buildScript([])), 'build-script');
    assert.equal(processRole(log(['nxrec1', '1', '0', '1', RUSTC, '/w', '0', RUSTC, '-vV'], [])), 'other');
    assert.equal(processRole(log(['nxrec1', '1', '0', '1', '/usr/bin/dash', '/w', '0', 'sh'], [])), 'other');
  });
});

describe('compileReads', () => {
  it("returns each proc macro's reads under its crate name and leaves rustc's own calls out", () => {
    const process = rustc([
      ['env', 'getenv', '', 'absent', 'RUSTC_LOG'],
      ['open', 'open64', '', 'found', '/w/app/src/main.rs', 'r'],
      ['env', 'getenv', MACRO, 'found', 'RECORDER_GREETING'],
      ['env', 'getenv', MACRO, 'found', 'CARGO_MANIFEST_DIR'],
      ['env', 'getenv', MACRO, 'found', 'CARGO_MANIFEST_DIR'],
      ['stat', 'statx', MACRO, 'found', '/w/app/greeting.txt'],
      ['open', 'open64', MACRO, 'found', '/w/app/greeting.txt', 'r'],
      ['stat', 'statx', MACRO, 'absent', '/w/app/maybe.txt'],
      ['readdir', 'opendir', MACRO, 'found', '/w/app/assets'],
      ['open', 'open64', MACRO, 'found', '/w/app/generated.rs', 'w'],
      ['exec', 'posix_spawnp', MACRO, '-', 'sh', 'sh', '-c', 'echo from-shell'],
    ]);
    const { readers } = compileReads(process);
    assert.deepEqual(readers, [
      {
        reader: { kind: 'proc-macro', crate: 'probe_macros', object: MACRO },
        reads: [
          { kind: 'env', name: 'RECORDER_GREETING', found: true, setByCargo: false },
          { kind: 'env', name: 'CARGO_MANIFEST_DIR', found: true, setByCargo: true },
          { kind: 'file', path: '/w/app/greeting.txt', result: 'found' },
          { kind: 'probe', path: '/w/app/maybe.txt', result: 'absent' },
          { kind: 'dir', path: '/w/app/assets', result: 'found' },
          { kind: 'program', program: 'sh', argv: ['sh', '-c', 'echo from-shell'], truncated: false },
        ],
        writes: ['/w/app/generated.rs'],
      },
    ]);
  });

  it('drops the noise every macro process reads, naming the rule', () => {
    const process = rustc([
      ['env', 'getenv', SERDE, 'absent', 'RUST_MIN_STACK'],
      ['env', 'getenv', SERDE, 'found', 'CARGO_MAKEFLAGS'],
      ['open', 'open64', SERDE, 'found', '/dev/null', 'r'],
      ['open', 'open64', SERDE, 'found', '/proc/self/cgroup', 'r'],
      ['open', 'open64', SERDE, 'found', `${TOOLCHAIN}/lib/rustlib/src/rust/library/std/src/lib.rs`, 'r'],
      ['stat', 'statx', SERDE, 'found', SERDE],
    ]);
    const { readers, ignored } = compileReads(process);
    assert.deepEqual(readers, [{ reader: { kind: 'proc-macro', crate: 'serde_derive', object: SERDE }, reads: [], writes: [] }]);
    assert.deepEqual(
      ignored.map((i) => i.rule),
      ['runtime-env', 'jobserver-env', 'system-path', 'system-path', 'toolchain-path', 'own-object'],
    );
  });

  it('takes the sysroot from --sysroot when rustc is given one', () => {
    const process = rustc([['open', 'open64', MACRO, 'found', '/custom/sysroot/lib/x.rlib', 'r']], ['--sysroot', '/custom/sysroot']);
    assert.deepEqual(compileReads(process).ignored.map((i) => i.rule), ['toolchain-path']);
  });

  it('names a macro from its file when it is not an --extern of this compile, and keeps other objects apart', () => {
    const other = '/w/target/debug/deps/libother_macro-00ff00ff00ff00ff.so';
    const plugin = '/usr/lib/x86_64-linux-gnu/libnss_files.so.2';
    const process = rustc([
      ['env', 'getenv', other, 'absent', 'A'],
      ['open', 'open64', plugin, 'found', '/etc/passwd', 'r'],
      ['env', 'getenv', '?', 'absent', 'B'],
    ]);
    assert.deepEqual(
      compileReads(process).readers.map((r) => r.reader),
      [
        { kind: 'proc-macro', crate: 'other_macro', object: other },
        { kind: 'object', object: plugin },
        { kind: 'object', object: '?' },
      ],
    );
  });
});

describe('buildScriptReads', () => {
  it("returns everything a build script read as its own, minus its OUT_DIR, the compiler probes and the runtime's knobs", () => {
    const process = buildScript([
      ['open', 'open64', '', 'found', '/w/app/build-input.txt', 'r'],
      ['env', 'getenv', '', 'absent', 'RECORDER_BUILD_VAR'],
      ['env', 'getenv', '', 'found', 'OUT_DIR'],
      ['env', 'getenv', '', 'found', 'TARGET'],
      ['env', 'getenv', '', 'absent', 'RUSTC_STAGE'],
      ['env', 'getenv', '', 'absent', 'RUSTC_BOOTSTRAP'],
      ['env', 'getenv', '', 'found', 'NUM_JOBS'],
      ['open', 'open64', '', 'found', `${OUT_DIR}/build_info.rs`, 'w'],
      ['readdir', 'fdopendir', '', 'found', `${OUT_DIR}/probe`],
      ['open', 'open64', '', 'found', '/dev/null', 'r'],
      ['exec', 'posix_spawnp', '', '-', RUSTC, RUSTC, '--version'],
      ['exec', 'posix_spawnp', '', '-', 'git', 'git', 'rev-parse', 'HEAD'],
      ['open', 'open64', '', 'found', '/w/app/src/generated.rs', 'w'],
    ]);
    const { readers, ignored } = buildScriptReads(process);
    assert.deepEqual(readers, [
      {
        reader: { kind: 'build-script', exe: BUILD_EXE, package: 'app' },
        reads: [
          { kind: 'file', path: '/w/app/build-input.txt', result: 'found' },
          { kind: 'env', name: 'RECORDER_BUILD_VAR', found: false, setByCargo: false },
          { kind: 'env', name: 'OUT_DIR', found: true, setByCargo: true },
          { kind: 'env', name: 'TARGET', found: true, setByCargo: true },
          { kind: 'env', name: 'RUSTC_BOOTSTRAP', found: false, setByCargo: false },
          { kind: 'program', program: 'git', argv: ['git', 'rev-parse', 'HEAD'], truncated: false },
        ],
        writes: ['/w/app/src/generated.rs'],
      },
    ]);
    assert.deepEqual(
      ignored.map((i) => i.rule),
      ['bootstrap-env', 'jobserver-env', 'own-output', 'own-output', 'system-path', 'toolchain-program'],
    );
  });

  it('sees a compiler probe through RUSTC_WRAPPER as a probe, and the wrapper running anything else as a program', () => {
    const wrapper = '/opt/nx-cargo-rustc';
    const process = buildScript(
      [
        ['exec', 'posix_spawnp', '', '-', wrapper, wrapper, RUSTC, '--version'],
        ['exec', 'posix_spawnp', '', '-', wrapper, wrapper, '/bin/true'],
      ],
      [`RUSTC_WRAPPER=${wrapper}`],
    );
    const { readers, ignored } = buildScriptReads(process);
    assert.deepEqual(ignored.map((i) => i.rule), ['toolchain-program']);
    assert.deepEqual(readers[0].reads, [{ kind: 'program', program: wrapper, argv: [wrapper, '/bin/true'], truncated: false }]);
  });
});

describe('setByCargo', () => {
  it('knows the variables cargo sets for a unit', () => {
    for (const name of ['CARGO_MANIFEST_DIR', 'CARGO_PKG_VERSION', 'CARGO_FEATURE_STD', 'CARGO_CFG_TARGET_OS', 'OUT_DIR', 'TARGET', 'DEP_Z_INCLUDE']) {
      assert.equal(setByCargo(name), true, name);
    }
    for (const name of ['DATABASE_URL', 'RUSTC_BOOTSTRAP', 'CARGO_HOME', 'CC']) assert.equal(setByCargo(name), false, name);
  });
});
