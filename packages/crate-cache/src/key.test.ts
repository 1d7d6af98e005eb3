import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argvParts, diffParts, envParts, keyOf, type KeyPart } from './key.js';
import type { PathRoots } from './path-roots.js';
import { classifyRustcArgs } from './rustc-args.js';

const roots = (workspace: string): PathRoots => ({ workspace, targetProfile: `${workspace}/target/debug`, cargoHome: '/h/.cargo', home: '/h' });
const compileIn = (workspace: string, extra: string[] = []) => {
  const call = classifyRustcArgs(['--crate-name', 'app', 'src/lib.rs', '--crate-type', 'lib', '--emit=dep-info,link', '-C', 'extra-filename=-1', '--out-dir', `${workspace}/target/debug/deps`, '-L', `dependency=${workspace}/target/debug/deps`, '-C', `incremental=${workspace}/target/debug/incremental`, ...extra]);
  assert.ok(call.cacheable);
  return call.compile;
};

test('the same compile in two checkouts has the same key; a flag changes it', () => {
  const a = keyOf(argvParts(compileIn('/w1'), '/w1', roots('/w1')));
  assert.equal(keyOf(argvParts(compileIn('/w2'), '/w2', roots('/w2'))), a);
  assert.notEqual(keyOf(argvParts(compileIn('/w1', ['-C', 'opt-level=3']), '/w1', roots('/w1'))), a);
  assert.notEqual(keyOf(argvParts(compileIn('/w1', ['-D', 'warnings']), '/w1', roots('/w1'))), a, 'lint levels decide whether a compile fails');
  assert.equal(keyOf(argvParts(compileIn('/w1', ['--diagnostic-width=80']), '/w1', roots('/w1'))), a, 'terminal width is cosmetic');
});

test('omitting a class removes exactly its parts', () => {
  const parts: KeyPart[] = [
    { class: 'source', name: 'a.rs', value: '1' },
    { class: 'codegen', name: '0', value: 'opt-level=0' },
  ];
  const changed = parts.map((p) => (p.class === 'source' ? { ...p, value: '2' } : p));
  assert.notEqual(keyOf(changed), keyOf(parts));
  assert.equal(keyOf(changed, new Set(['source'])), keyOf(parts, new Set(['source'])));
});

test('RUSTFLAGS and CARGO_CFG_* are keyed; unrelated variables are not', () => {
  const parts = envParts({ RUSTFLAGS: '-C target-cpu=native', CARGO_CFG_TARGET_OS: 'linux', PATH: '/bin', HOME: '/h' }, roots('/w'));
  assert.deepEqual(parts.map((p) => `${p.class}:${p.name}`), ['cargo-cfg:CARGO_CFG_TARGET_OS', 'env:RUSTFLAGS']);
});

test('diffParts names what was added, removed and changed', () => {
  const before: KeyPart[] = [{ class: 'source', name: 'a.rs', value: '1' }, { class: 'env-dep', name: 'MODE', value: 'dev' }];
  const after: KeyPart[] = [{ class: 'source', name: 'a.rs', value: '2' }, { class: 'source', name: 'b.rs', value: '3' }];
  assert.deepEqual(diffParts(before, after), [
    { class: 'source', name: 'a.rs', before: '1', after: '2' },
    { class: 'source', name: 'b.rs', after: '3' },
    { class: 'env-dep', name: 'MODE', before: 'dev' },
  ]);
});
