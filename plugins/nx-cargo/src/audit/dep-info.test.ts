import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { depInfoBesideArtifact, hashedStem, parseDepInfo } from './dep-info.js';

describe('parseDepInfo', () => {
  it('reads the sources of a rule and the env-dep lines, as rustc writes them', () => {
    const text = [
      '/w/target/debug/deps/app-b512a0d490c04507.d: crates/app/src/main.rs crates/app/src/../../../shared/data.txt crates/app/src/banner.txt',
      '',
      '/w/target/debug/deps/app-b512a0d490c04507: crates/app/src/main.rs crates/app/src/../../../shared/data.txt crates/app/src/banner.txt',
      '',
      'crates/app/src/main.rs:',
      'crates/app/src/../../../shared/data.txt:',
      'crates/app/src/banner.txt:',
      '',
      '# env-dep:APP_MODE=dev',
      '# env-dep:CARGO_PKG_NAME=app',
      '# env-dep:OPTIONAL',
      '',
    ].join('\n');
    assert.deepEqual(parseDepInfo(text), {
      files: ['crates/app/src/main.rs', 'crates/app/src/../../../shared/data.txt', 'crates/app/src/banner.txt'],
      env: [{ name: 'APP_MODE', value: 'dev' }, { name: 'CARGO_PKG_NAME', value: 'app' }, { name: 'OPTIONAL' }],
    });
  });

  it('undoes escaped spaces in paths and escapes in values; skips other comments', () => {
    const text = '/w/out.d: src/my\\ file.rs /abs/a\\\\b.txt\n\n# checksum:blake3=00 file_len:3 src/x.rs\n# env-dep:MULTI=a\\nb\\\\c=d\n';
    assert.deepEqual(parseDepInfo(text), { files: ['src/my file.rs', '/abs/a\\b.txt'], env: [{ name: 'MULTI', value: 'a\nb\\c=d' }] });
  });

  it('joins continued lines and keeps colons inside paths', () => {
    assert.deepEqual(parseDepInfo('out: a.rs \\\n  b.rs c:d.txt\n').files, ['a.rs', 'b.rs', 'c:d.txt']);
  });
});

describe('finding the dep-info file of an artifact', () => {
  it('takes the hashed name of an rlib, rmeta, shared library or executable', () => {
    assert.equal(depInfoBesideArtifact('/t/debug/deps/libutil-86acefbcf3eb3f5a.rlib', 'util'), '/t/debug/deps/util-86acefbcf3eb3f5a.d');
    assert.equal(depInfoBesideArtifact('/t/debug/deps/libutil-86acefbcf3eb3f5a.rmeta', 'util'), '/t/debug/deps/util-86acefbcf3eb3f5a.d');
    assert.equal(depInfoBesideArtifact('/t/debug/deps/libmacros-0011aabb.so', 'macros'), '/t/debug/deps/macros-0011aabb.d');
    assert.equal(depInfoBesideArtifact('/t/debug/deps/app-d61a8bfbd0aab8cc', 'app'), '/t/debug/deps/app-d61a8bfbd0aab8cc.d');
    assert.equal(depInfoBesideArtifact('/t/debug/deps/my_app-d61a8bfbd0aab8cc', 'my_app'), '/t/debug/deps/my_app-d61a8bfbd0aab8cc.d');
  });

  it('gives up on uplifted copies, whose names carry no hash', () => {
    assert.equal(depInfoBesideArtifact('/t/debug/app', 'app'), undefined);
    assert.equal(depInfoBesideArtifact('/t/debug/build/util-56e9ac0d14a8aad6/build-script-build', 'build_script_build'), undefined);
    assert.equal(depInfoBesideArtifact('/t/debug/libutil.so', 'util'), undefined);
  });

  it('matches hashed names to the crate only', () => {
    assert.equal(hashedStem('build_script_build-56e9ac0d14a8aad6', 'build_script_build'), 'build_script_build-56e9ac0d14a8aad6');
    assert.equal(hashedStem('app_extra-56e9ac0d14a8aad6', 'app'), undefined);
    assert.equal(hashedStem('app-56e9ac0d14a8aad6.d', 'app'), undefined);
    assert.equal(hashedStem('liblibfoo-0a1b.rlib', 'libfoo'), 'libfoo-0a1b');
  });
});
