import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePackageName } from './package-name.js';

describe('validatePackageName', () => {
  it('accepts letters, digits, - and _', () => {
    for (const name of ['mylib', 'my-lib', 'my_lib2', '_private', 'Upper']) assert.equal(validatePackageName(name, 'library'), name);
  });

  it('says which character is wrong', () => {
    assert.throws(() => validatePackageName('my.lib', 'library'), /invalid crate name `my\.lib`: the character `\.` is not allowed; a Cargo package name uses ASCII letters, digits, `-` and `_`/);
    assert.throws(() => validatePackageName('my lib', 'library'), /the character ` ` is not allowed/);
    assert.throws(() => validatePackageName('café', 'library'), /the character `é` is not allowed/);
  });

  it('refuses a leading digit or dash', () => {
    assert.throws(() => validatePackageName('1lib', 'library'), /invalid crate name `1lib`: it cannot start with `1`/);
    assert.throws(() => validatePackageName('-lib', 'library'), /it cannot start with `-`/);
  });

  it('refuses what cargo new refuses', () => {
    assert.throws(() => validatePackageName('fn', 'library'), /it is a Rust keyword/);
    assert.throws(() => validatePackageName('test', 'binary'), /built-in test library/);
    assert.throws(() => validatePackageName('deps', 'binary'), /conflicts with cargo's build directory names/);
    assert.equal(validatePackageName('deps', 'library'), 'deps');
    assert.throws(() => validatePackageName('', 'library'), /a crate name is required/);
  });
});
