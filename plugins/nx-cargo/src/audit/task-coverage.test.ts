import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProgramRun, Read } from './audit-report.js';
import { resolveTaskInputs, type InputModel, type NxInput } from './input-coverage.js';
import { coverageOf, type CoverageBasis } from './task-coverage.js';

const model = (declared: NxInput[]): InputModel => ({
  projects: { app: { root: 'crates/app', namedInputs: { cargo: ['default', { env: 'RUSTFLAGS' }, ...declared] }, targets: { build: { inputs: ['cargo', '^default'] } } } },
  dependencies: { app: [] },
});

const FILES: Record<string, string[]> = { 'data/assets': ['data/assets/one.txt', 'data/assets/two.txt'] };

function basis(declared: NxInput[], extra: Partial<CoverageBasis> = {}): CoverageBasis {
  const m = model(declared);
  return { model: m, inputs: resolveTaskInputs(m, 'app', 'build'), hashesWorkspaceParts: false, filesIn: (dir) => FILES[dir] ?? [], ...extra };
}

const read = (kind: Read['kind'], subject: string, extra: Partial<Read> = {}): Read => ({ kind, subject, reader: 'crates/app', readerPackage: 'app', via: 'proc macro m', ...extra });
const git: ProgramRun = { argv: ['git', 'rev-parse', 'HEAD'], cwd: 'crates/v', usesBuildOutput: false, reads: ['.git/HEAD'], listings: [] };
const gen: ProgramRun = { argv: ['gen', 'schema.json'], cwd: 'data', usesBuildOutput: false, reads: ['data/schema.json'], listings: [] };

describe('coverageOf', () => {
  it('a file: hashed by Nx; declared but ignored; declared and absent (hashed once it exists); undeclared', () => {
    const hashed = new Set(['crates/app/src/main.rs']);
    const b = basis(['{workspaceRoot}/data/x.txt'], { hashedFiles: hashed });
    assert.equal(coverageOf(read('file', 'crates/app/src/main.rs'), b), 'covered');
    assert.equal(coverageOf(read('file', 'data/x.txt'), b), 'not-hashed');
    assert.equal(coverageOf(read('file', 'data/x.txt', { absent: true }), b), 'covered');
    assert.equal(coverageOf(read('file', 'data/y.txt', { absent: true }), b), 'undeclared');
    assert.equal(coverageOf(read('file', 'data/x.txt'), basis(['{workspaceRoot}/data/x.txt'])), 'covered');
  });

  it("a listing: every file in it, and whatever is added to it, even in a new folder", () => {
    const listing = read('dir', 'data/assets');
    assert.equal(coverageOf(listing, basis(['{workspaceRoot}/data/assets/**/*'])), 'covered');
    assert.equal(coverageOf(listing, basis(['{workspaceRoot}/data/**'])), 'covered');
    assert.equal(coverageOf(listing, basis(['{workspaceRoot}/data/assets/*'])), 'undeclared', 'a new subfolder would go unnoticed');
    assert.equal(coverageOf(listing, basis(['{workspaceRoot}/data/assets/one.txt', '{workspaceRoot}/data/assets/two.txt'])), 'undeclared');
    assert.equal(coverageOf(listing, basis(['{workspaceRoot}/data/assets/**/*'], { hashedFiles: new Set(['data/assets/one.txt']) })), 'not-hashed');
  });

  it('a variable: an env input, or set from a covered cargo config', () => {
    assert.equal(coverageOf(read('env', 'RUSTFLAGS'), basis([])), 'covered');
    assert.equal(coverageOf(read('env', 'APP_GREETING'), basis([])), 'undeclared');
    assert.equal(coverageOf(read('env', 'APP_GREETING'), basis([], { environment: new Set(['APP_GREETING']) })), 'covered');
    assert.equal(coverageOf(read('env', 'FROM_CONFIG', { setBy: 'crates/app/.cargo/config.toml' }), basis([])), 'covered');
  });

  it('a program: a runtime input with its command, in any folder; or the files it read when they can stand for it', () => {
    const program = (run: ProgramRun) => read('program', run.argv.join(' '), { program: run });
    assert.equal(coverageOf(program(git), basis([])), 'undeclared');
    assert.equal(coverageOf(program(git), basis([{ runtime: 'cd crates/v && git rev-parse HEAD' }])), 'covered');
    assert.equal(coverageOf(program(git), basis([{ runtime: 'git  rev-parse HEAD' }])), 'covered');
    assert.equal(coverageOf(program(git), basis([{ runtime: 'git rev-parse --short HEAD' }])), 'undeclared');
    assert.equal(coverageOf(program(git), basis(['{workspaceRoot}/.git/HEAD'])), 'undeclared', '.git is never hashed');
    assert.equal(coverageOf(program(gen), basis(['{workspaceRoot}/data/schema.json'])), 'covered');
    assert.equal(coverageOf(program({ ...gen, listings: ['data'] }), basis(['{workspaceRoot}/data/schema.json'])), 'undeclared');
  });

  it("the workspace Cargo.toml and Cargo.lock, as cargo reads them, through the crate's external node", () => {
    const lock = read('file', 'Cargo.lock', { reader: '', readerPackage: '', via: 'lock file' });
    assert.equal(coverageOf(lock, basis([])), 'undeclared');
    assert.equal(coverageOf(lock, basis([], { hashesWorkspaceParts: true })), 'covered');
  });
});
