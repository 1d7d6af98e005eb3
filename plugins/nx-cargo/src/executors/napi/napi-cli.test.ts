import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findNapiCli, napiBin, NapiCliError } from './napi-cli.js';

const REPO_ROOT = join(__dirname, '../../../../..');

describe('napi CLI lookup', () => {
  it('takes the napi bin of the package, as an absolute path beside its package.json', () => {
    assert.equal(napiBin('/w/node_modules/@napi-rs/cli/package.json', '{"bin":{"napi":"./dist/cli.js","napi-raw":"./cli.mjs"}}'), '/w/node_modules/@napi-rs/cli/dist/cli.js');
    assert.equal(napiBin('/w/cli/package.json', '{"bin":"bin/napi.js"}'), '/w/cli/bin/napi.js');
  });

  it('says which file is wrong when the package has no napi bin or is not JSON', () => {
    assert.throws(() => napiBin('/w/p/package.json', '{"bin":{"other":"x.js"}}'), (error: unknown) => error instanceof NapiCliError && error.file === '/w/p/package.json' && /no `napi` bin/.test(error.message));
    assert.throws(() => napiBin('/w/p/package.json', '{'), (error: unknown) => error instanceof NapiCliError && /not valid JSON/.test(error.reason));
  });

  it("finds the workspace's own @napi-rs/cli from the workspace root", () => {
    assert.equal(findNapiCli(REPO_ROOT), join(REPO_ROOT, 'node_modules/@napi-rs/cli/dist/cli.js'));
  });

  it('says how to install it when the workspace does not have it', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-cargo-napi-'));
    try {
      assert.throws(() => findNapiCli(root), (error: unknown) => error instanceof NapiCliError && error.file === join(root, 'package.json') && /npm install -D @napi-rs\/cli/.test(error.reason));
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});
