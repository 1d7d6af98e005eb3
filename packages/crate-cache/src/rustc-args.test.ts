import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyRustcArgs, codegenValue, compileArgs, isExecutableOutput, isLinked, parseRustcArgs } from './rustc-args.js';

/** A lib compile as cargo 1.95 spells it. */
const LIB = [
  '--crate-name', 'itoa', '--edition=2018', '/usr/share/cargo/registry/itoa-1.0.1/src/lib.rs',
  '--error-format=json', '--json=diagnostic-rendered-ansi,artifacts,future-incompat', '--crate-type', 'lib',
  '--emit=dep-info,metadata,link', '-C', 'embed-bitcode=no', '-C', 'debuginfo=2', '-C', 'metadata=1a2b',
  '-C', 'extra-filename=-1a2b', '--out-dir', '/w/target/debug/deps', '-L', 'dependency=/w/target/debug/deps', '--cap-lints', 'allow',
];

test('a cargo lib compile is cacheable and taken apart', () => {
  const call = classifyRustcArgs(LIB);
  assert.ok(call.cacheable);
  assert.equal(call.compile.crateName, 'itoa');
  assert.deepEqual(call.compile.crateTypes, ['lib']);
  assert.deepEqual(call.compile.emit, ['dep-info', 'link', 'metadata']);
  assert.equal(call.compile.extraFilename, '-1a2b');
  assert.equal(call.compile.input, '/usr/share/cargo/registry/itoa-1.0.1/src/lib.rs');
  assert.equal(isLinked(call.compile), false);
});

test('probes and unmodelled calls pass through with a reason', () => {
  const reasons = [
    ['-vV'],
    ['-', '--crate-name', '___', '--print=file-names', '--crate-type', 'bin'],
    [...LIB.filter((arg) => arg !== '/usr/share/cargo/registry/itoa-1.0.1/src/lib.rs'), '-'],
    [...LIB, '-o', 'out'],
    LIB.map((arg) => (arg === '--emit=dep-info,metadata,link' ? '--emit=metadata,link' : arg)),
    LIB.filter((arg, i) => arg !== 'extra-filename=-1a2b' && LIB[i + 1] !== 'extra-filename=-1a2b'),
    [...LIB, 'second.rs'],
    [...LIB, '@args.txt'],
  ].map((args) => {
    const call = classifyRustcArgs(args);
    assert.equal(call.cacheable, false, args.join(' '));
    return call.cacheable ? '' : call.reason;
  });
  assert.deepEqual(reasons.map((r) => r.split(' ')[0]), ['probe', 'probe', 'input', '-o', 'no', 'no', 'input', 'argument']);
});

test('short and long option spellings mean the same', () => {
  const { options } = parseRustcArgs(['-Copt-level=3', '-C', 'opt-level=1', '--codegen=opt-level=2', '-Dwarnings', '--deny', 'unused']);
  assert.deepEqual(options, [
    { flag: '--codegen', value: 'opt-level=3' },
    { flag: '--codegen', value: 'opt-level=1' },
    { flag: '--codegen', value: 'opt-level=2' },
    { flag: '--deny', value: 'warnings' },
    { flag: '--deny', value: 'unused' },
  ]);
  assert.equal(codegenValue(options, 'opt-level'), '2');
});

test('binaries, tests and proc macros are linked executables', () => {
  const bin = classifyRustcArgs(LIB.map((arg) => (arg === 'lib' ? 'bin' : arg)));
  const test = classifyRustcArgs([...LIB, '--test']);
  const check = classifyRustcArgs(LIB.map((arg) => (arg === 'lib' ? 'bin' : arg === '--emit=dep-info,metadata,link' ? '--emit=dep-info,metadata' : arg)));
  assert.ok(bin.cacheable && test.cacheable && check.cacheable);
  assert.equal(isLinked(bin.compile) && isExecutableOutput(bin.compile), true);
  assert.equal(isLinked(test.compile) && isExecutableOutput(test.compile), true);
  assert.equal(isLinked(check.compile), false, 'a check links nothing');
});

test('a cached compile drops incremental state and remaps longest roots last', () => {
  const args = compileArgs(['-C', 'incremental=/w/target/debug/incremental', '-Cincremental=/x', '--codegen=incremental=/y', '-C', 'opt-level=0'], [
    ['/w/target/debug', '/@t'],
    ['/w', '/@w'],
  ]);
  assert.deepEqual(args, ['-C', 'opt-level=0', '--remap-path-prefix=/w=/@w', '--remap-path-prefix=/w/target/debug=/@t']);
});
