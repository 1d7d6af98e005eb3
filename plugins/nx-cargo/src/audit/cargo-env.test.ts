import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isSetByCargo } from './cargo-env.js';

it('isSetByCargo: what cargo gives rustc and build scripts, never a user\'s variable', () => {
  for (const name of ['CARGO_PKG_NAME', 'CARGO_PKG_VERSION_MAJOR', 'CARGO_MANIFEST_DIR', 'CARGO_CRATE_NAME', 'OUT_DIR', 'CARGO_BIN_EXE_app', 'CARGO_TARGET_TMPDIR', 'CLIPPY_ARGS']) {
    assert.equal(isSetByCargo(name, 'rustc'), true, name);
  }
  for (const name of ['TARGET', 'PROFILE', 'CARGO_CFG_TARGET_OS', 'CARGO_FEATURE_STD', 'DEP_Z_INCLUDE', 'CARGO_ENCODED_RUSTFLAGS']) {
    assert.equal(isSetByCargo(name, 'build-script'), true, name);
    assert.equal(isSetByCargo(name, 'rustc'), false, name);
  }
  for (const name of ['APP_MODE', 'RUSTFLAGS', 'CARGO_HOME_SOMETHING', 'PROTOC', 'CLIPPY_CONF_DIR']) assert.equal(isSetByCargo(name, 'build-script'), false, name);
});
