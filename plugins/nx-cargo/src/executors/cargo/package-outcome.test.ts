import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCargoMessage } from '@nx-cargo/cargo-workspace';
import { PackageOutcome } from './package-outcome.js';

const artifact = (target: string, kind: string[], fresh = false) =>
  JSON.stringify({ reason: 'compiler-artifact', manifest_path: '/w/a/Cargo.toml', target: { name: target, kind }, fresh });

describe('a package\'s outcome from cargo messages', () => {
  it('is complete once every expected target is built without errors', () => {
    const outcome = new PackageOutcome(['a:lib', 'tool:bin']);
    outcome.record(parseCargoMessage(artifact('a', ['lib'])) as never);
    assert.equal(outcome.complete, false);
    outcome.record(parseCargoMessage(artifact('tool', ['bin'], true)) as never);
    assert.equal(outcome.complete, true);
    assert.deepEqual([outcome.compiled, outcome.fresh], [1, 1]);
  });

  it('says why a package failed: its own errors, or the dependency that did not compile', () => {
    const own = new PackageOutcome(['a:lib']);
    own.record({ reason: 'compiler-message', packageId: 'a', manifestPath: '/w/a/Cargo.toml', level: 'error', rendered: 'error[E0308]\n' });
    assert.equal(own.complete, false);
    assert.equal(own.failureReason(['b']), '1 error');
    assert.deepEqual(own.diagnostics, ['error[E0308]\n']);
    assert.equal(new PackageOutcome(['a:lib']).failureReason(['b']), 'a not built: b failed to compile');
  });
});
