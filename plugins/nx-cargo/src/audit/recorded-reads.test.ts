import type { RecordedProcess } from '@nx-cargo/crate-cache';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Read } from './audit-report.js';
import { recordedReads } from './recorded-reads.js';

const W = '/w';
const T = '/tmp/audit-target';
const HOME = '/home/u/.cargo';
const RUSTC = '/home/u/.rustup/toolchains/stable/bin/rustc';
const place = { nxRoot: W, targetDir: T, cargoHome: HOME, environment: { APP_GREETING: 'hi' } as Record<string, string | undefined> };
const dirs = new Set([`${W}/crates/app`, `${W}/data`]);
const fs = { isDirectory: (path: string) => dirs.has(path) };

type Event = RecordedProcess['events'][number];
const base = { op: 'x', truncated: false } as const;
const env = (name: string, found: boolean, object?: string): Event => ({ ...base, kind: 'env', name, result: found ? 'found' : 'absent', ...(object ? { object } : {}) });
const open = (path: string, object?: string, result: 'found' | 'absent' = 'found'): Event => ({ ...base, kind: 'open', path, result, access: { read: true, write: false, directory: false, pathOnly: false }, ...(object ? { object } : {}) });
const stat = (path: string, result: 'found' | 'absent', object?: string): Event => ({ ...base, kind: 'stat', path, result, ...(object ? { object } : {}) });
const listing = (path: string, object?: string): Event => ({ ...base, kind: 'readdir', path, result: 'found', ...(object ? { object } : {}) });
const exec = (argv: string[], object?: string): Event => ({ ...base, kind: 'exec', program: argv[0], argv, ...(object ? { object } : {}) });

let clock = 0n;
function proc(pid: number, ppid: number, exe: string, cwd: string, context: Record<string, string>, argv: string[], events: Event[]): RecordedProcess {
  clock += 1000n;
  return { file: `${pid}.rec`, pid, ppid, startNs: clock, exe, cwd, context, argv, events, incomplete: false };
}

const MACRO = `${T}/debug/deps/libgreet_macros-abc.so`;
const rustc = (pid: number, pkg: string, manifestDir: string, events: Event[]) =>
  proc(pid, 1, RUSTC, W, { CARGO_PKG_NAME: pkg, CARGO_MANIFEST_DIR: manifestDir }, [RUSTC, '--crate-name', pkg, '--extern', `greet_macros=${MACRO}`], events);
const script = (pid: number, pkg: string, manifestDir: string, events: Event[]) =>
  proc(pid, 1, `${T}/debug/build/${pkg}-1/build-script-build`, manifestDir, { CARGO_PKG_NAME: pkg, CARGO_MANIFEST_DIR: manifestDir, OUT_DIR: `${T}/debug/build/${pkg}-2/out`, RUSTC }, [`${T}/debug/build/${pkg}-1/build-script-build`], events);

const summary = (reads: Read[]) => reads.map((read) => `${read.kind} ${read.subject}${read.absent ? ' (absent)' : ''}${read.unset ? ' (unset)' : ''} <- ${read.readerPackage}${read.external ? ' [external]' : ''}: ${read.via}`);

describe('recordedReads', () => {
  it("what a proc macro read while rustc compiled a crate, not rustc's own reads nor what cargo sets", () => {
    const processes = [
      rustc(10, 'app', `${W}/crates/app`, [
        env('RUSTC_LOG', false),
        open(`${W}/crates/app/src/main.rs`),
        env('APP_GREETING', true, MACRO),
        env('CARGO_MANIFEST_DIR', true, MACRO),
        open(`${W}/crates/app/../../data/greeting.txt`, MACRO),
        listing(`${W}/crates/app/../../data/assets`, MACRO),
        stat(`${W}/crates/app/../../data`, 'found', MACRO),
        stat(`${W}/crates/app/.env`, 'absent', MACRO),
        open(`${T}/debug/build/x/out/gen.rs`, MACRO),
        open(`${HOME}/registry/src/index/serde-1.0.0/src/lib.rs`, MACRO),
        open('/etc/passwd', MACRO),
      ]),
    ];
    assert.deepEqual(summary(recordedReads(processes, place, fs)), [
      'env APP_GREETING <- app: proc macro greet_macros',
      'file data/greeting.txt <- app: proc macro greet_macros',
      'dir data/assets <- app: proc macro greet_macros',
      'file crates/app/.env (absent) <- app: proc macro greet_macros',
    ]);
    assert.equal(recordedReads(processes, place, fs)[0].value, 'hi');
  });

  it('what a build script read, with the variables cargo sets for build scripts left out', () => {
    const processes = [script(20, 'configured', `${W}/crates/configured`, [open(`${W}/crates/configured/../../data/build-input.txt`), env('BUILD_FLAVOUR', false), env('TARGET', true), env('CARGO_CFG_UNIX', true), env('OUT_DIR', true)])];
    assert.deepEqual(summary(recordedReads(processes, place, fs)), ['file data/build-input.txt <- configured: build script', 'env BUILD_FLAVOUR (unset) <- configured: build script']);
  });

  it('a program a build script ran: its command where it ran, and what it read', () => {
    const parent = script(30, 'version_info', `${W}/crates/version_info`, [env('COMMIT_SHA', false), exec(['git', 'rev-parse', 'HEAD'])]);
    const child = proc(31, 30, '/usr/bin/git', `${W}/crates/version_info`, {}, ['git', 'rev-parse', 'HEAD'], [open(`${W}/.git/HEAD`), stat(`${W}/crates/HEAD`, 'absent')]);
    const unrelated = proc(32, 30, '/usr/bin/git', W, {}, ['git', 'status'], [open(`${W}/.git/index`)]);
    const reads = recordedReads([parent, child, unrelated], place, fs);
    assert.deepEqual(summary(reads), ['env COMMIT_SHA (unset) <- version_info: build script', 'program git rev-parse HEAD <- version_info: build script']);
    assert.deepEqual(reads[1].program, { argv: ['git', 'rev-parse', 'HEAD'], cwd: 'crates/version_info', usesBuildOutput: false, reads: ['.git/HEAD'], listings: [] });
  });

  it('a program a proc macro ran, with paths inside its folder written relative to it, and a machine tool by its name', () => {
    const cargo = '/home/u/.rustup/toolchains/stable/bin/cargo';
    const compile = rustc(40, 'runner', `${W}/crates/runner`, [exec(['sh', '-c', 'echo from-shell'], MACRO), exec(['cat', `${W}/data/x.txt`], MACRO), exec([cargo, 'metadata', '--no-deps'], MACRO)]);
    const reads = recordedReads([compile], place, fs);
    assert.deepEqual(summary(reads), [
      "program sh -c 'echo from-shell' <- runner: proc macro greet_macros",
      'program cat data/x.txt <- runner: proc macro greet_macros',
      'program cargo metadata --no-deps <- runner: proc macro greet_macros',
    ]);
    assert.equal(reads[0].program?.cwd, '');
  });

  it("a program fed the build's own output counts by what it read in the workspace; so does a registry crate's, whose variables count when set", () => {
    const out = `${T}/debug/build/native-2/out`;
    const local = script(50, 'native', `${W}/crates/native`, [exec(['cc', '-c', `${W}/crates/native/src/a.c`, '-o', `${out}/a.o`]), exec(['ar', 'crs', `${out}/liba.a`, `${out}/a.o`])]);
    const cc = proc(51, 50, '/usr/bin/cc', `${W}/crates/native`, { OUT_DIR: out }, ['cc', '-c', `${W}/crates/native/src/a.c`, '-o', `${out}/a.o`], [open(`${W}/crates/native/src/a.c`), listing(`${W}/include`)]);
    const ar = proc(52, 50, '/usr/bin/ar', `${W}/crates/native`, { OUT_DIR: out }, ['ar', 'crs', `${out}/liba.a`, `${out}/a.o`], [open(`${out}/a.o`)]);
    const registryDir = `${HOME}/registry/src/index/libsqlite3-sys-0.37.0`;
    const external = script(60, 'libsqlite3-sys', registryDir, [env('SQLITE3_LIB_DIR', false), env('LIBSQLITE3_FLAGS', true), env('TARGET', true), open(`${registryDir}/sqlite3/sqlite3.c`), exec(['pkg-config', '--libs', 'sqlite3'])]);
    const pkgConfig = proc(61, 60, '/usr/bin/pkg-config', registryDir, {}, ['pkg-config', '--libs', 'sqlite3'], [open(`${W}/pc/sqlite3.pc`)]);
    const reads = recordedReads([local, cc, ar, external, pkgConfig], { ...place, environment: { LIBSQLITE3_FLAGS: '-DSQLITE_X' } }, fs);
    assert.deepEqual(summary(reads), [
      'file crates/native/src/a.c <- native: `cc -c src/a.c -o /tmp/audit-target/debug/build/native-2/out/a.o` run by the build script',
      'dir include <- native: `cc -c src/a.c -o /tmp/audit-target/debug/build/native-2/out/a.o` run by the build script',
      'env LIBSQLITE3_FLAGS <- libsqlite3-sys [external]: build script',
      'file pc/sqlite3.pc <- libsqlite3-sys [external]: `pkg-config --libs sqlite3` run by the build script',
    ]);
  });

  it('tells a child from an earlier process that had the same pid', () => {
    const parent = script(70, 'v', `${W}/crates/v`, [exec(['git', 'rev-parse', 'HEAD'])]);
    const stale = { ...proc(71, 70, '/usr/bin/git', W, {}, ['git', 'rev-parse', 'HEAD'], [open(`${W}/stale.txt`)]), startNs: 0n };
    const child = proc(71, 70, '/usr/bin/git', W, {}, ['git', 'rev-parse', 'HEAD'], [open(`${W}/.git/HEAD`)]);
    assert.deepEqual(recordedReads([stale, parent, child], place, fs)[0].program?.reads, ['.git/HEAD']);
  });
});
