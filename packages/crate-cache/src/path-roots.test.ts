import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denormalizeText, normalizePath, normalizeText, remapPairs, targetProfileOf, type PathRoots } from './path-roots.js';

const A: PathRoots = { workspace: '/work/app', targetProfile: '/work/app/target/debug', cargoHome: '/home/u/.cargo', home: '/home/u' };
const B: PathRoots = { workspace: '/tmp/copy', targetProfile: '/elsewhere/t/debug', cargoHome: '/home/v/.cargo', home: '/home/v' };

test('two checkouts normalize to the same text and each gets its own paths back', () => {
  const inA = '{"artifact":"/work/app/target/debug/deps/liba-1.rmeta"} /work/app/src/lib.rs /home/u/.cargo/registry/x /home/u/notes';
  const inB = '{"artifact":"/elsewhere/t/debug/deps/liba-1.rmeta"} /tmp/copy/src/lib.rs /home/v/.cargo/registry/x /home/v/notes';
  assert.equal(normalizeText(inA, A), normalizeText(inB, B));
  assert.equal(denormalizeText(normalizeText(inA, A), B), inB);
});

test('a root is replaced only at a path boundary', () => {
  assert.equal(normalizeText('/work/apple /work/app-2 /work/app', A), '/work/apple /work/app-2 /@nx-cargo/workspace');
  assert.equal(normalizePath('src/lib.rs', '/work/app', A), '/@nx-cargo/workspace/src/lib.rs');
});

test('the profile folder is found from every out-dir cargo uses', () => {
  assert.equal(targetProfileOf('/t/debug/deps'), '/t/debug');
  assert.equal(targetProfileOf('/t/x86_64-unknown-linux-gnu/release/examples'), '/t/x86_64-unknown-linux-gnu/release');
  assert.equal(targetProfileOf('/t/debug/build/serde-1f2e'), '/t/debug');
});

test('home itself is not remapped in artifacts', () => {
  assert.deepEqual(remapPairs(A).map(([from]) => from), ['/work/app/target/debug', '/home/u/.cargo', '/work/app']);
});
