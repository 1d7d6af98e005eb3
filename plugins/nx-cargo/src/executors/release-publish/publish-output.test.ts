import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cargoError, isAlreadyPublished, registryOf } from './publish-output.js';

// What cargo 1.95 printed against the e2e registry (e2e/support/cargo-registry.mjs).
const EXISTS = '    Updating `local` index\nerror: crate a@0.1.0 already exists on `local` index\n';
const DRY_EXISTS = '    Updating `local` index\nwarning: crate a@0.1.0 already exists on `local` index\n   Packaging a v0.1.0 (/ws/crates/a)\n';
const REJECTED = [
  '   Uploading bad v0.1.0 (/ws/crates/bad)',
  'error: failed to publish bad v0.1.0 to registry at http://127.0.0.1:45269',
  '',
  'Caused by:',
  '  the remote server responded with an error (status 400 Bad Request): crate `bad` is blocked by policy',
  '',
].join('\n');
const UNRESOLVED = [
  '    Updating crates.io index',
  'error: failed to prepare local package for uploading',
  '',
  'Caused by:',
  '  no matching package named `a` found',
  '  location searched: crates.io index',
  "  required by package `b v0.2.0 (/ws/crates/b)`",
  'note: something else',
].join('\n');

describe('reading cargo publish output', () => {
  it("recognises cargo's own check that a version is on the index, and a registry refusing a duplicate", () => {
    assert.equal(isAlreadyPublished(EXISTS, 'a', '0.1.0'), true);
    assert.equal(isAlreadyPublished(DRY_EXISTS, 'a', '0.1.0'), true);
    assert.equal(isAlreadyPublished('error: crate version `0.1.0` is already uploaded', 'a', '0.1.0'), true);
    assert.equal(isAlreadyPublished(EXISTS, 'a', '0.1.1'), false);
    assert.equal(isAlreadyPublished(EXISTS, 'b', '0.1.0'), false);
    assert.equal(isAlreadyPublished(REJECTED, 'bad', '0.1.0'), false);
  });

  it('names the registry as cargo does', () => {
    assert.equal(registryOf(EXISTS), 'local');
    assert.equal(registryOf(UNRESOLVED), 'crates.io');
    assert.equal(registryOf('   Uploading x\n'), undefined);
  });

  it("puts cargo's error and its causes on one line, without the advice after them", () => {
    assert.equal(cargoError(REJECTED), 'failed to publish bad v0.1.0 to registry at http://127.0.0.1:45269: the remote server responded with an error (status 400 Bad Request): crate `bad` is blocked by policy');
    assert.equal(cargoError(UNRESOLVED), 'failed to prepare local package for uploading: no matching package named `a` found: location searched: crates.io index: required by package `b v0.2.0 (/ws/crates/b)`');
    assert.equal(cargoError('just\nsome\nlines\n'), 'just some lines');
  });
});
