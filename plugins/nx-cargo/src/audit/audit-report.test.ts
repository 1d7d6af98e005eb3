import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditReport, commandLine, declarationFor, filesInstead, formatReport, runtimeCommand, tomlInput, type ProgramRun, type Read } from './audit-report.js';

const subject = { project: 'app', target: 'build', package: 'app', manifestFile: 'crates/app/Cargo.toml' };
const read = (kind: Read['kind'], subjectName: string, extra: Partial<Read> = {}): Read => ({ kind, subject: subjectName, reader: 'crates/app', readerPackage: 'app', via: kind === 'file' ? 'include_str!' : 'env!', ...extra });
const git: ProgramRun = { argv: ['git', 'rev-parse', 'HEAD'], cwd: 'crates/version_info', usesBuildOutput: false, reads: ['.git/HEAD'], listings: [] };

describe('auditReport', () => {
  it('names each uncovered file and variable with the entry to declare and where', () => {
    const reads = [read('file', 'crates/app/src/main.rs', { via: 'module source' }), read('file', 'shared/data.txt'), read('env', 'APP_MODE', { value: 'dev' }), read('env', 'RUSTFLAGS')];
    const covered = new Set(['crates/app/src/main.rs', 'RUSTFLAGS']);
    const report = auditReport(subject, reads, (r) => (covered.has(r.subject) ? 'covered' : 'undeclared'));
    assert.deepEqual(report.checked, { files: 2, env: 2 });
    assert.deepEqual(
      report.uncovered.map((finding) => finding.message),
      [
        'shared/data.txt, read by include_str! while compiling app, is not among app:build\'s inputs: add "{workspaceRoot}/shared/data.txt" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
        'env APP_MODE, read by env! while compiling app, is not among app:build\'s inputs: add { env = "APP_MODE" } to [package.metadata.nx] inputs in crates/app/Cargo.toml',
      ],
    );
    assert.deepEqual(report.uncovered[0].fix, { manifestFile: 'crates/app/Cargo.toml', input: '{workspaceRoot}/shared/data.txt' });
    assert.deepEqual(report.uncovered[1].fix, { manifestFile: 'crates/app/Cargo.toml', input: { env: 'APP_MODE' } });
    assert.equal(report.uncovered[1].value, 'dev');
    assert.deepEqual(
      report.covered.map((entry) => entry.subject),
      ['crates/app/src/main.rs', 'RUSTFLAGS'],
    );
  });

  it('merges the readers of one file; a dependency\'s read is fixed in the audited crate\'s manifest', () => {
    const reads = [
      read('file', 'shared/data.txt'),
      read('file', 'shared/data.txt', { reader: 'crates/util', readerPackage: 'util', via: 'build script rerun-if-changed' }),
      read('file', 'shared/data.txt', { reader: 'crates/util', readerPackage: 'util', via: 'include_bytes!' }),
      read('env', 'FLAVOR', { unset: true, via: 'option_env!' }),
    ];
    const report = auditReport(subject, reads, () => 'undeclared');
    assert.equal(
      report.uncovered[0].message,
      'shared/data.txt, read by include_str! while compiling app and by the build script of util (a dependency of app, rerun-if-changed) and by include_bytes! while compiling util (a dependency of app), ' +
        'is not among app:build\'s inputs: add "{workspaceRoot}/shared/data.txt" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
    );
    assert.equal(report.uncovered[0].readers.length, 2);
    assert.match(report.uncovered[1].message, /^env FLAVOR \(unset in this build\), read by option_env! while compiling app,/);
  });

  it('names what proc macros, build scripts and the programs they run read, as the recording tells', () => {
    const reads = [
      read('env', 'APP_GREETING', { unset: true, via: 'proc macro greet_macros' }),
      read('dir', 'data/assets', { via: 'proc macro greet_macros' }),
      read('file', 'data/missing.txt', { absent: true, via: 'proc macro greet_macros' }),
      read('file', 'proto/a.proto', { reader: 'crates/gen', readerPackage: 'gen', via: '`protoc --rust_out=/t/out a.proto` run by the build script' }),
      read('program', 'git rev-parse HEAD', { reader: 'crates/version_info', readerPackage: 'version_info', via: 'build script', program: git }),
    ];
    const report = auditReport(subject, reads, () => 'undeclared');
    assert.deepEqual(
      report.uncovered.map((finding) => finding.message),
      [
        'data/missing.txt (absent in this build), read by proc macro greet_macros while compiling app, is not among app:build\'s inputs: add "{workspaceRoot}/data/missing.txt" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
        'proto/a.proto, read by `protoc --rust_out=/t/out a.proto`, run by the build script of gen (a dependency of app), is not among app:build\'s inputs: add "{workspaceRoot}/proto/a.proto" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
        'the listing of data/assets, read by proc macro greet_macros while compiling app, is not among app:build\'s inputs: add "{workspaceRoot}/data/assets/**/*" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
        'env APP_GREETING (unset in this build), read by proc macro greet_macros while compiling app, is not among app:build\'s inputs: add { env = "APP_GREETING" } to [package.metadata.nx] inputs in crates/app/Cargo.toml',
        '`git rev-parse HEAD` in crates/version_info, run by the build script of version_info (a dependency of app), is not among app:build\'s inputs: add { runtime = "cd crates/version_info && git rev-parse HEAD" } to [package.metadata.nx] inputs in crates/app/Cargo.toml',
      ],
    );
    assert.deepEqual(report.checked, { files: 3, env: 1, programs: 1 });
  });

  it("asks for the rerun-if line a workspace crate's build script lacks, since a task-cache miss alone does not rerun it", () => {
    const script = { reader: 'crates/configured', readerPackage: 'configured', via: 'build script' };
    const report = auditReport(subject, [read('env', 'BUILD_FLAVOUR', script), read('file', 'data/in.txt', script), read('env', 'DECLARED', script), read('env', 'DECLARED', { ...script, via: 'build script rerun-if-env-changed' })], () => 'undeclared');
    const [file, flavour, declared] = report.uncovered.map((finding) => finding.message);
    assert.match(file, /; and print `cargo:rerun-if-changed=\.\.\/\.\.\/data\/in\.txt` from the build script of configured, or cargo will not rerun it when this changes$/);
    assert.match(flavour, /; and print `cargo:rerun-if-env-changed=BUILD_FLAVOUR` from the build script of configured, or cargo will not rerun it when this changes$/);
    assert.doesNotMatch(declared, /rerun-if-env-changed=/);
  });

  it('offers the files a program read instead of its command, unless it read .git or listed a folder', () => {
    const protoc: ProgramRun = { argv: ['protoc', 'a.proto'], cwd: 'proto', usesBuildOutput: false, reads: ['proto/a.proto'], listings: [] };
    const report = auditReport(subject, [read('program', 'protoc a.proto', { via: 'build script', program: protoc })], () => 'undeclared');
    assert.match(report.uncovered[0].message, /add \{ runtime = "cd proto && protoc a\.proto" \} .* \(or, if its output follows from the files it reads alone, declare those: proto\/a\.proto\)$/);
    assert.deepEqual(filesInstead(protoc), ['proto/a.proto']);
    assert.equal(filesInstead(git), undefined);
    assert.equal(filesInstead({ ...protoc, listings: ['proto'] }), undefined);
    assert.equal(filesInstead({ ...protoc, reads: [] }), undefined);
  });

  it('has no declaration for a program that cannot run as a task input, and says what to do', () => {
    const outside: ProgramRun = { argv: ['make'], usesBuildOutput: false, reads: [], listings: [] };
    const report = auditReport(subject, [read('program', 'make', { via: 'build script', program: outside })], () => 'undeclared');
    assert.equal(report.uncovered[0].fix, undefined);
    assert.match(report.uncovered[0].message, /it runs outside the workspace; declare what its output depends on by hand$/);
  });

  it('says when a declared file is not hashed, without a declaration to add', () => {
    const report = auditReport(subject, [read('file', 'generated/schema.json')], () => 'not-hashed');
    assert.equal(report.uncovered[0].fix, undefined);
    assert.match(report.uncovered[0].message, /is named by app:build's inputs, but Nx does not hash it \(is it ignored by \.gitignore or \.nxignore\?\)/);
  });

  it('names cargo as the reader of workspace files', () => {
    const report = auditReport(subject, [read('file', 'rust/.cargo/config.toml', { reader: 'rust', readerPackage: '', via: 'cargo config' })], () => 'undeclared');
    assert.match(report.uncovered[0].message, /^rust\/\.cargo\/config\.toml, read by cargo \(cargo config\), is not among/);
  });
});

describe('declarations', () => {
  it('a file, every file below a listed folder, a variable, a command run where it ran', () => {
    assert.equal(declarationFor(read('file', 'a/b.txt')), '{workspaceRoot}/a/b.txt');
    assert.equal(declarationFor(read('dir', 'data/assets')), '{workspaceRoot}/data/assets/**/*');
    assert.equal(declarationFor(read('dir', '')), '{workspaceRoot}/**/*');
    assert.deepEqual(declarationFor(read('env', 'X')), { env: 'X' });
    assert.deepEqual(declarationFor(read('program', 'git rev-parse HEAD', { program: { ...git, cwd: '' } })), { runtime: 'git rev-parse HEAD' });
    assert.equal(declarationFor(read('program', 'cc', { program: { ...git, usesBuildOutput: true } })), undefined);
  });

  it('quotes for the shell only what needs it', () => {
    assert.equal(commandLine(['sh', '-c', 'echo from-shell']), "sh -c 'echo from-shell'");
    assert.equal(commandLine(['echo', "it's"]), "echo 'it'\\''s'");
    assert.equal(runtimeCommand({ ...git, cwd: 'my crates/v' }), "cd 'my crates/v' && git rev-parse HEAD");
  });

  it('writes inputs as Cargo.toml does', () => {
    assert.equal(tomlInput('{workspaceRoot}/a "b".txt'), '"{workspaceRoot}/a \\"b\\".txt"');
    assert.equal(tomlInput({ env: 'X' }), '{ env = "X" }');
    assert.equal(tomlInput({ runtime: "sh -c 'echo hi'" }), `{ runtime = "sh -c 'echo hi'" }`);
  });
});

it('formatReport: one line when all is covered, else a line per finding', () => {
  assert.equal(
    formatReport({ project: 'app', target: 'build', checked: { files: 1, env: 0 }, uncovered: [], covered: [] }),
    "nx-cargo-audit: every workspace file, variable and program app:build's build read is among its inputs (1 file and 0 variables checked)\n",
  );
  assert.match(formatReport({ project: 'app', target: 'build', checked: { files: 2, env: 1, programs: 1 }, uncovered: [], covered: [] }), /\(2 files, 1 variable and 1 program checked\)/);
  const report = auditReport(subject, [read('env', 'APP_MODE')], () => 'undeclared');
  assert.match(formatReport(report), /^nx-cargo-audit: app:build's build read 1 thing that its inputs do not cover \(0 files and 1 variable checked\):\n {2}env APP_MODE, read by env!/);
});
