import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { depInfoBesideArtifact, hashedStem } from './dep-info.js';

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
