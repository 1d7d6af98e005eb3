import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rootsChangedByBatch } from './feature-guard.js';

const FIXTURE = join(__dirname, '../../../../../e2e/fixtures/features');

/** cargo's own feature graph for a set of packages selected together. */
function featureTree(packages: string[]): string {
  const args = ['tree', '-e', 'features,normal,build', '--prefix', 'depth', '-f', '{p}', '--offline', ...packages.flatMap((name) => ['-p', name])];
  return execFileSync('cargo', args, { cwd: FIXTURE, encoding: 'utf8' });
}

const changed = (packages: string[]) => [...rootsChangedByBatch(featureTree(packages), packages)].sort();

describe('rootsChangedByBatch (real cargo tree)', () => {
  it('finds both crates whose shared dependency would get the other one\'s feature', () => {
    assert.deepEqual(changed(['uses-alpha', 'uses-beta']), ['uses-alpha', 'uses-beta']);
  });

  it('lets crates that ask for the same features share a batch', () => {
    assert.deepEqual(changed(['uses-alpha', 'plain']), []);
  });

  it('sees that building the library itself adds its default features to what dependents link', () => {
    assert.deepEqual(changed(['plain', 'shared']), ['plain', 'shared']);
  });

  it('leaves a crate that needs nothing from the others alone', () => {
    assert.deepEqual(changed(['uses-alpha', 'plain', 'uses-beta']), ['plain', 'uses-alpha', 'uses-beta']);
    assert.deepEqual(changed(['shared']), []);
  });

  it('treats a root missing from the tree as changed', () => {
    assert.deepEqual([...rootsChangedByBatch('', ['ghost'])], ['ghost']);
  });
});
