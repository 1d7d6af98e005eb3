import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { featureCompatibleGroups } from './feature-guard.js';

const FIXTURE = join(__dirname, '../../../../../e2e/fixtures/features');

/** cargo's own feature graph for a set of packages selected together. */
function featureTree(packages: string[]): string {
  const args = ['tree', '-e', 'features,normal,build', '--prefix', 'depth', '-f', '{p}', '--offline', ...packages.flatMap((name) => ['-p', name])];
  return execFileSync('cargo', args, { cwd: FIXTURE, encoding: 'utf8' });
}

const groups = (packages: string[]) => featureCompatibleGroups(featureTree(packages), packages);

describe('featureCompatibleGroups (real cargo tree)', () => {
  it("parts two crates whose shared dependency would get the other one's feature", () => {
    assert.deepEqual(groups(['uses-alpha', 'uses-beta']), [['uses-alpha'], ['uses-beta']]);
  });

  it('lets crates that ask for the same features share a process', () => {
    assert.deepEqual(groups(['uses-alpha', 'plain']), [['uses-alpha', 'plain']]);
  });

  it('sees that building the library itself adds its default features to what dependents link', () => {
    assert.deepEqual(groups(['plain', 'shared']), [['plain'], ['shared']]);
  });

  it('keeps those that agree together when one does not', () => {
    assert.deepEqual(groups(['uses-alpha', 'plain', 'uses-beta']), [['uses-alpha', 'plain'], ['uses-beta']]);
    assert.deepEqual(groups(['shared']), [['shared']]);
  });

  it('gives a root missing from the tree a process of its own', () => {
    assert.deepEqual(featureCompatibleGroups('', ['ghost', 'other']), [['ghost'], ['other']]);
  });
});
