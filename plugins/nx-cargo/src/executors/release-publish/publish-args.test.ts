import assert from 'node:assert/strict';
import { it } from 'node:test';
import { publishArgs } from './publish-args.js';

it('publishes one crate, to the registry named, with extra arguments last', () => {
  assert.deepEqual(publishArgs({ package: 'b', cwd: '.' }), ['publish', '-p', 'b']);
  assert.deepEqual(publishArgs({ package: 'b', cwd: '.', registry: 'local', args: '--no-verify  --locked' }, ['a']), ['publish', '-p', 'b', '--registry', 'local', '--no-verify', '--locked']);
});

it('a dry run packages the local crates it depends on too, so that their new versions resolve', () => {
  assert.deepEqual(publishArgs({ package: 'b', cwd: '.', dryRun: true }, ['a', 'b', 'c']), ['publish', '-p', 'b', '-p', 'a', '-p', 'c', '--dry-run']);
});

it('refuses a registry URL, saying what to write instead', () => {
  assert.throws(() => publishArgs({ package: 'b', cwd: '.', registry: 'https://r.example/index' }), /registry "https:\/\/r\.example\/index" is a URL: name a registry of cargo's configuration instead \(\[registries\.<name>\] index = "https:\/\/r\.example\/index"\)/);
});
