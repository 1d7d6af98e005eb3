import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditReport, formatReport, type Read } from './audit-report.js';

const subject = { project: 'app', target: 'build', package: 'app', manifestFile: 'crates/app/Cargo.toml' };
const read = (kind: Read['kind'], subjectName: string, extra: Partial<Read> = {}): Read => ({ kind, subject: subjectName, reader: 'crates/app', readerPackage: 'app', via: kind === 'file' ? 'include_str!' : 'env!', ...extra });

describe('auditReport', () => {
  it('names each uncovered file and variable with the entry to declare and where', () => {
    const reads = [read('file', 'crates/app/src/main.rs', { via: 'module source' }), read('file', 'shared/data.txt'), read('env', 'APP_MODE', { value: 'dev' }), read('env', 'RUSTFLAGS')];
    const covered = new Set(['crates/app/src/main.rs', 'RUSTFLAGS']);
    const report = auditReport(subject, reads, (r) => (covered.has(r.subject) ? 'covered' : 'undeclared'));
    assert.deepEqual(report.checked, { files: 2, env: 2 });
    assert.deepEqual(
      report.uncovered.map((finding) => finding.message),
      [
        'crates/app reads shared/data.txt (include_str!), not among app:build\'s inputs: add "{workspaceRoot}/shared/data.txt" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
        'crates/app reads env APP_MODE (env!), not among app:build\'s inputs: add { env = "APP_MODE" } to [package.metadata.nx] inputs in crates/app/Cargo.toml',
      ],
    );
    assert.deepEqual(report.uncovered[0].fix, { manifestFile: 'crates/app/Cargo.toml', input: '{workspaceRoot}/shared/data.txt' });
    assert.deepEqual(report.uncovered[1].fix, { manifestFile: 'crates/app/Cargo.toml', input: { env: 'APP_MODE' } });
    assert.equal(report.uncovered[1].value, 'dev');
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
      'crates/app and crates/util (a dependency of app) read shared/data.txt (include_str!, build script rerun-if-changed, include_bytes!), not among app:build\'s inputs: ' +
        'add "{workspaceRoot}/shared/data.txt" to [package.metadata.nx] inputs in crates/app/Cargo.toml',
    );
    assert.equal(report.uncovered[0].readers.length, 2);
    assert.match(report.uncovered[1].message, /reads env FLAVOR \(option_env!, unset in this build\)/);
  });

  it('says when a declared file is not hashed, without a declaration to add', () => {
    const report = auditReport(subject, [read('file', 'generated/schema.json')], () => 'not-hashed');
    assert.equal(report.uncovered[0].fix, undefined);
    assert.match(report.uncovered[0].message, /app:build's inputs name it, but Nx does not hash it \(is it ignored by \.gitignore or \.nxignore\?\)/);
  });

  it('names cargo as the reader of workspace files', () => {
    const report = auditReport(subject, [read('file', 'rust/.cargo/config.toml', { reader: 'rust', readerPackage: '', via: 'cargo config' })], () => 'undeclared');
    assert.match(report.uncovered[0].message, /^cargo reads rust\/\.cargo\/config\.toml \(cargo config\), not among/);
  });
});

it('formatReport: one line when all is covered, else a line per finding', () => {
  assert.equal(
    formatReport({ project: 'app', target: 'build', checked: { files: 1, env: 0 }, uncovered: [] }),
    "nx-cargo-audit: every workspace file and variable app:build's build read is among its inputs (1 file and 0 variables checked)\n",
  );
  const report = auditReport(subject, [read('env', 'APP_MODE')], () => 'undeclared');
  assert.match(formatReport(report), /^nx-cargo-audit: app:build's build read 1 thing that its inputs do not cover \(0 files and 1 variable checked\):\n {2}crates\/app reads env APP_MODE/);
});
