import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CARGO_MISSING } from '../../messages.js';
import { runNapiBuild } from './executor.js';

const REPO_ROOT = join(__dirname, '../../../../..');

describe('napi executor failures', () => {
  const empty = mkdtempSync(join(tmpdir(), 'nx-cargo-napi-'));
  after(() => rmSync(empty, { recursive: true }));

  it('says @napi-rs/cli is missing, and not cargo, when the workspace does not have it', async () => {
    const result = await runNapiBuild({ cwd: 'crates/addon' }, empty);
    assert.equal(result.success, false);
    assert.match(result.error ?? '', /^crates\/addon: .*package\.json: @napi-rs\/cli is not installed in this workspace/);
    assert.doesNotMatch(result.error ?? '', /cargo was not found/);
  });

  it('says the napi CLI could not start, and not that cargo is missing, when it never ran', async () => {
    const result = await runNapiBuild({ cwd: 'no/such/folder' }, REPO_ROOT);
    assert.equal(result.success, false);
    assert.match(result.error ?? '', /^could not start the napi CLI \(.*@napi-rs\/cli\/dist\/cli\.js\) in .*no\/such\/folder: /);
    assert.doesNotMatch(result.error ?? '', /cargo was not found/);
  });

  it('refuses args that move the outputs before starting anything', async () => {
    const result = await runNapiBuild({ cwd: 'crates/addon', args: ['--output-dir', 'dist'] }, REPO_ROOT);
    assert.equal(result.success, false);
    assert.match(result.error ?? '', /^crates\/addon: `--output-dir` in the napi target's args/);
  });

  it('adds that cargo is missing when napi failed and cargo is not on PATH', async () => {
    // napi starts (this Node, by path) and fails at `cargo metadata`, before writing anything into the fixture.
    const withoutCargo: NodeJS.ProcessEnv = { ...process.env, PATH: dirname(process.execPath) };
    delete withoutCargo.CARGO;
    const result = await runNapiBuild({ cwd: 'e2e/fixtures/mixed/crates/addon' }, REPO_ROOT, withoutCargo);
    assert.deepEqual(result, { success: false, error: CARGO_MISSING });
  });
});
