import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { artifactFamily, artifactFileNames, hostArtifactFamily } from './artifacts.js';
import type { CargoTarget } from './targets.js';

const target = (name: string, kind: string[], crateTypes = kind): CargoTarget => ({ name, kind, crateTypes, srcPath: 'src/lib.rs', edition: '2021', requiredFeatures: [] });
const BIN = target('my-app', ['bin']);
const CDYLIB = target('my_lib', ['cdylib']);
const STATICLIB = target('my_lib', ['staticlib']);

/** rustc's own answer for the main file of a crate type on a target (it needs no std for that target to say). */
function rustcFileName(crateType: string, triple: string, crateName: string): string {
  return execFileSync('rustc', ['--print', 'file-names', '--crate-type', crateType, '--crate-name', crateName, '--target', triple, '-'], { input: 'fn main() {}', encoding: 'utf8' }).trim();
}

const TRIPLES = ['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu', 'aarch64-apple-darwin', 'x86_64-pc-windows-msvc', 'x86_64-pc-windows-gnu', 'wasm32-unknown-unknown', 'wasm32-unknown-emscripten'];

describe('artifact names', () => {
  for (const triple of TRIPLES) {
    it(`${triple}: the main file of each crate type is the one rustc names`, () => {
      const family = artifactFamily(triple);
      assert.equal(artifactFileNames(target('my_app', ['bin']), family)[0], rustcFileName('bin', triple, 'my_app'));
      assert.equal(artifactFileNames(CDYLIB, family)[0], rustcFileName('cdylib', triple, 'my_lib'));
      assert.equal(artifactFileNames(STATICLIB, family)[0], rustcFileName('staticlib', triple, 'my_lib'));
    });
  }

  it("adds what cargo puts beside them: import libraries, debug info, emscripten's wasm", () => {
    assert.deepEqual(artifactFileNames(BIN, 'windows-msvc'), ['my-app.exe', 'my_app.pdb']);
    assert.deepEqual(artifactFileNames(CDYLIB, 'windows-msvc'), ['my_lib.dll', 'my_lib.dll.lib', 'my_lib.pdb']);
    assert.deepEqual(artifactFileNames(CDYLIB, 'windows-gnu'), ['my_lib.dll', 'libmy_lib.dll.a']);
    assert.deepEqual(artifactFileNames(BIN, 'apple'), ['my-app', 'my-app.dSYM']);
    assert.deepEqual(artifactFileNames(CDYLIB, 'apple'), ['libmy_lib.dylib', 'libmy_lib.dylib.dSYM']);
    assert.deepEqual(artifactFileNames(BIN, 'emscripten'), ['my-app.js', 'my_app.wasm']);
    assert.deepEqual(artifactFileNames(BIN, 'unix'), ['my-app']);
  });

  it('names nothing for crates that leave no final artifact, and both files of a cdylib+staticlib', () => {
    assert.deepEqual(artifactFileNames(target('lib', ['lib']), 'unix'), []);
    assert.deepEqual(artifactFileNames(target('mac', ['proc-macro']), 'unix'), []);
    assert.deepEqual(artifactFileNames(target('both', ['cdylib', 'staticlib']), 'unix'), ['libboth.so', 'libboth.a']);
  });

  it("picks rustup's default host families", () => {
    assert.equal(hostArtifactFamily('linux'), 'unix');
    assert.equal(hostArtifactFamily('darwin'), 'apple');
    assert.equal(hostArtifactFamily('win32'), 'windows-msvc');
  });
});
