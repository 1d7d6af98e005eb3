import assert from 'node:assert/strict';
import { it } from 'node:test';
import { napiArgs, NapiArgsError } from './napi-args.js';

it('napiArgs builds for the platform with the profile, features and extra arguments', () => {
  assert.deepEqual(napiArgs({ cwd: 'crates/addon' }), ['build', '--platform']);
  assert.deepEqual(napiArgs({ cwd: 'x', release: true, features: 'a b', target: 'x86_64-unknown-linux-gnu', args: ['--strip'] }), [
    'build', '--platform', '--release', '--features', 'a,b', '--target', 'x86_64-unknown-linux-gnu', '--strip',
  ]);
});

it('napiArgs passes flags that leave the files where the target caches them', () => {
  assert.deepEqual(napiArgs({ cwd: 'x', args: '--no-js --esm --js-package-name @scope/addon --profile dist' }), [
    'build', '--platform', '--no-js', '--esm', '--js-package-name', '@scope/addon', '--profile', 'dist',
  ]);
});

it('napiArgs refuses flags that write the outputs elsewhere or build another crate, naming the flag', () => {
  for (const args of [['--output-dir', 'dist'], ['-o', 'dist'], ['--js=binding.js'], ['--js', 'binding.js'], ['--dts', 'types.d.ts'], ['--cwd', '..'], ['--manifest-path=../x/Cargo.toml']]) {
    assert.throws(() => napiArgs({ cwd: 'x', args }), (error: unknown) => {
      assert.ok(error instanceof NapiArgsError);
      assert.equal(error.flag, args[0].split('=')[0]);
      assert.match(error.message, /a cache hit would not restore them/);
      return true;
    });
  }
});
