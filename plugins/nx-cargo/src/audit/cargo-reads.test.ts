import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCargoMessages } from '@nx-cargo/cargo-workspace';
import { isLocal, locateDepInfo, traceBuild, type TraceFileSystem } from './cargo-reads.js';

/** A file system of absolute paths to contents; `links` give files the identity (inode) of another. */
function memoryFs(files: Record<string, string>, links: Record<string, string> = {}): TraceFileSystem {
  const all = { ...files };
  for (const [link, target] of Object.entries(links)) all[link] = files[target];
  const isDir = (path: string) => Object.keys(all).some((file) => file.startsWith(`${path}/`));
  return {
    readFile: (path) => all[path],
    readDir: (path) => [...new Set(Object.keys(all).filter((file) => file.startsWith(`${path}/`)).map((file) => file.slice(path.length + 1).split('/')[0]))],
    fileId: (path) => (path in all ? (links[path] ?? path) : isDir(path) ? `dir:${path}` : undefined),
    isDirectory: isDir,
    filesBelow: (path) => Object.keys(all).filter((file) => file.startsWith(`${path}/`)),
  };
}

const W = '/w';
const T = '/w/target';
const place = { nxRoot: W, cargoRoot: W, targetDir: T, environment: { RUSTFLAGS: '-Dwarnings' } as Record<string, string | undefined> };

const artifact = (pkg: string, name: string, kind: string[], filenames: string[]) => ({
  reason: 'compiler-artifact',
  package_id: `path+file://${W}/crates/${pkg}#0.1.0`,
  manifest_path: `${W}/crates/${pkg}/Cargo.toml`,
  target: { name, kind },
  filenames,
  fresh: true,
});

/** The build's stdout lines, as cargo writes them. */
const cargoLines = [
  artifact('util', 'build-script-build', ['custom-build'], [`${T}/debug/build/util-56e9/build-script-build`]),
  { reason: 'build-script-executed', package_id: `path+file://${W}/crates/util#0.1.0`, env: [['UTIL_BUILT_BY', 'build.rs']], out_dir: `${T}/debug/build/util-7c41/out` },
  artifact('util', 'util', ['lib'], [`${T}/debug/deps/libutil-86ac.rlib`, `${T}/debug/deps/libutil-86ac.rmeta`]),
  { reason: 'compiler-artifact', package_id: 'registry+https://github.com/rust-lang/crates.io-index#itoa@1.0.5', manifest_path: '/home/u/.cargo/registry/src/itoa/Cargo.toml', target: { name: 'itoa', kind: ['lib'] }, filenames: ['/w/target/debug/deps/libitoa-0001.rlib'] },
  artifact('app', 'app', ['bin'], [`${T}/debug/app`]),
  { reason: 'compiler-artifact', package_id: 'registry+https://github.com/rust-lang/crates.io-index#native-sys@0.1.0', manifest_path: '/home/u/.cargo/registry/src/native-sys/Cargo.toml', target: { name: 'build-script-build', kind: ['custom-build'] }, filenames: [`${T}/debug/build/native-sys-10/build-script-build`] },
  { reason: 'build-script-executed', package_id: 'registry+https://github.com/rust-lang/crates.io-index#native-sys@0.1.0', env: [], out_dir: `${T}/debug/build/native-sys-11/out` },
  { reason: 'build-finished', success: true },
];
const messages = parseCargoMessages(cargoLines.map((line) => JSON.stringify(line)).join('\n'));

const files: Record<string, string> = {
  [`${W}/Cargo.toml`]: '[workspace]\n',
  [`${W}/Cargo.lock`]: 'version = 4\n',
  [`${W}/.cargo/config.toml`]: '[env]\nFROM_CONFIG = "x"\nOVERRIDDEN = "y"\nFORCED = { value = "z", force = true }\n',
  [`${W}/crates/util/Cargo.toml`]: '',
  [`${W}/crates/util/build.rs`]: 'fn main() {}',
  [`${W}/crates/util/src/lib.rs`]: 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));',
  [`${W}/crates/util/assets/a.txt`]: 'a',
  [`${W}/crates/util/assets/b/c.txt`]: 'c',
  [`${W}/crates/app/Cargo.toml`]: '',
  [`${W}/crates/app/src/main.rs`]: 'const D: &str = include_str!("../../../shared/data.txt"); const M: &str = env!("APP_MODE");',
  [`${W}/shared/data.txt`]: 'data',
  [`${W}/shared/native.h`]: '#define N 1',
  [`${T}/debug/build/util-56e9/build_script_build-56e9`]: 'ELF build script',
  [`${T}/debug/build/util-56e9/build_script_build-56e9.d`]: `${T}/debug/build/util-56e9/build_script_build-56e9: crates/util/build.rs\n\ncrates/util/build.rs:\n`,
  [`${T}/debug/build/util-7c41/output`]: 'cargo::rerun-if-changed=build.rs\ncargo:rerun-if-changed=assets\ncargo:rerun-if-changed=/elsewhere/x.h\ncargo:rerun-if-changed=missing.txt\ncargo:rerun-if-env-changed=RUSTFLAGS\ncargo:rerun-if-env-changed=TARGET\ncargo:rerun-if-env-changed=PROTOC\ncargo:rustc-env=UTIL_BUILT_BY=build.rs\n',
  [`${T}/debug/deps/util-86ac.d`]: `${T}/debug/deps/util-86ac.d: crates/util/src/lib.rs ${T}/debug/build/util-7c41/out/gen.rs\n\n# env-dep:CARGO_PKG_NAME=util\n# env-dep:OUT_DIR=${T}/debug/build/util-7c41/out\n# env-dep:UTIL_BUILT_BY=build.rs\n# env-dep:FROM_CONFIG=x\n# env-dep:OVERRIDDEN=mine\n# env-dep:FORCED=z\n`,
  [`${T}/debug/deps/app-b512`]: 'ELF app',
  [`${T}/debug/deps/app-b512.d`]: `${T}/debug/deps/app-b512.d: crates/app/src/main.rs crates/app/src/../../../shared/data.txt /home/u/.rustup/toolchains/std/lib.rs\n\n# env-dep:APP_MODE=dev\n# env-dep:APP_OPTIONAL\n`,
  [`${T}/debug/deps/itoa-0001.d`]: `${T}/debug/deps/itoa-0001.d: /home/u/.cargo/registry/src/itoa/src/lib.rs\n\n# env-dep:ITOA_MODE=fast\n# env-dep:ITOA_UNSET\n# env-dep:CARGO_PKG_NAME=itoa\n`,
  [`${T}/debug/build/native-sys-11/output`]: 'cargo:rerun-if-env-changed=CC\ncargo:rerun-if-env-changed=CFLAGS\ncargo:rerun-if-env-changed=TARGET\ncargo:rerun-if-changed=/home/u/.cargo/registry/src/native-sys/c/a.c\ncargo:rerun-if-changed=/w/shared/native.h\n',
  [`${T}/debug/deps/app-9999`]: 'ELF an older app',
  [`${T}/debug/deps/app-9999.d`]: `${T}/debug/deps/app-9999.d: crates/app/src/old.rs\n`,
};
const links = { [`${T}/debug/app`]: `${T}/debug/deps/app-b512`, [`${T}/debug/build/util-56e9/build-script-build`]: `${T}/debug/build/util-56e9/build_script_build-56e9` };

describe('traceBuild', () => {
  const trace = traceBuild(messages, { ...place, environment: { ...place.environment, OVERRIDDEN: 'mine', CFLAGS: '-O1', TARGET: 'x' } }, memoryFs(files, links));
  const list = (kind: 'file' | 'env', reader: string) =>
    trace.reads.filter((read) => read.kind === kind && read.reader === reader && !read.external).map((read) => `${read.subject} ${read.via}${read.value !== undefined ? `=${read.value}` : ''}${read.unset ? ' unset' : ''}${read.setBy ? ` from ${read.setBy}` : ''}`);

  it('reads each local unit\'s dep-info, the uplifted binary\'s through the hashed original, and leaves registry crates, generated files and other files outside', () => {
    assert.deepEqual(trace.problems, []);
    assert.deepEqual(list('file', 'crates/app'), ['crates/app/src/main.rs module source', 'shared/data.txt include_str!', 'crates/app/Cargo.toml package manifest']);
    assert.deepEqual(list('env', 'crates/app'), ['APP_MODE env!=dev', 'APP_OPTIONAL recorded by the compiler unset']);
  });

  it('takes build-script rerun-if lines (folders as their files), leaving out variables cargo or the script sets', () => {
    assert.deepEqual(list('file', 'crates/util'), [
      'crates/util/build.rs module source',
      'crates/util/src/lib.rs module source',
      'crates/util/build.rs build script rerun-if-changed',
      'crates/util/assets/a.txt build script rerun-if-changed',
      'crates/util/assets/b/c.txt build script rerun-if-changed',
      'crates/util/Cargo.toml package manifest',
    ]);
    assert.deepEqual(list('env', 'crates/util'), [
      'FROM_CONFIG recorded by the compiler=x from .cargo/config.toml',
      'OVERRIDDEN recorded by the compiler=mine',
      'FORCED recorded by the compiler=z from .cargo/config.toml',
      'RUSTFLAGS build script rerun-if-env-changed=-Dwarnings',
      'PROTOC build script rerun-if-env-changed',
    ]);
  });

  it('of registry crates, the variables they read that were set, and workspace files their build scripts name', () => {
    const external = trace.reads.filter((read) => read.external).map((read) => `${read.kind} ${read.subject} <- ${read.readerPackage}: ${read.via}${read.value !== undefined ? `=${read.value}` : ''}`);
    assert.deepEqual(external, ['env ITOA_MODE <- itoa: recorded by the compiler=fast', 'file shared/native.h <- native-sys: build script rerun-if-changed', 'env CFLAGS <- native-sys: build script rerun-if-env-changed=-O1']);
  });

  it('adds what cargo itself reads: the workspace manifest, lock file and config', () => {
    assert.deepEqual(list('file', ''), ['.cargo/config.toml cargo config', 'Cargo.toml workspace manifest', 'Cargo.lock lock file']);
  });

  it('says which unit had no dep-info, instead of passing it over', () => {
    const withoutRecord = { ...files };
    delete withoutRecord[`${T}/debug/deps/util-86ac.d`];
    const incomplete = traceBuild(messages, place, memoryFs(withoutRecord, links));
    assert.equal(incomplete.problems.length, 1);
    assert.match(incomplete.problems[0], /no dep-info record found for lib target `util` of util/);
  });
});

it('locateDepInfo: an uplifted copy is matched to its original by identity, not by name alone', () => {
  const fs = memoryFs(files, links);
  assert.equal(locateDepInfo(`${T}/debug/app`, 'app', fs), `${T}/debug/deps/app-b512.d`);
  assert.equal(locateDepInfo(`${T}/debug/build/util-56e9/build-script-build`, 'build_script_build', fs), `${T}/debug/build/util-56e9/build_script_build-56e9.d`);
  assert.equal(locateDepInfo(`${T}/debug/other`, 'other', fs), undefined);
});

it('isLocal: path packages in both package id formats', () => {
  assert.equal(isLocal('path+file:///w/crates/app#0.1.0'), true);
  assert.equal(isLocal('app 0.1.0 (path+file:///w/crates/app)'), true);
  assert.equal(isLocal('registry+https://github.com/rust-lang/crates.io-index#itoa@1.0.5'), false);
  assert.equal(isLocal('itoa 1.0.5 (registry+https://github.com/rust-lang/crates.io-index)'), false);
  assert.equal(isLocal('git+https://example.com/x.git#abc'), false);
});
