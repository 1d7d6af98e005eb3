import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCargoMessage, parseCargoMessages } from './cargo-messages.js';

describe('cargo messages', () => {
  it('reads artifacts, diagnostics, build scripts and the end of the build; ignores other lines', () => {
    const artifact = { reason: 'compiler-artifact', package_id: 'path+file:///w/a#0.1.0', manifest_path: '/w/a/Cargo.toml', target: { name: 'a', kind: ['lib'] }, filenames: ['/t/liba.rlib'], fresh: true };
    assert.deepEqual(parseCargoMessage(JSON.stringify(artifact)), {
      reason: 'compiler-artifact',
      packageId: 'path+file:///w/a#0.1.0',
      manifestPath: '/w/a/Cargo.toml',
      target: { name: 'a', kind: ['lib'] },
      filenames: ['/t/liba.rlib'],
      fresh: true,
    });
    const script = { reason: 'build-script-executed', package_id: 'p', env: [['K', 'v']], out_dir: '/t/build/a-1/out' };
    assert.deepEqual(parseCargoMessage(JSON.stringify(script)), { reason: 'build-script-executed', packageId: 'p', env: [['K', 'v']], outDir: '/t/build/a-1/out' });
    const message = { reason: 'compiler-message', package_id: 'p', manifest_path: '/w/a/Cargo.toml', message: { level: 'error', rendered: 'error[E0308]\n' } };
    assert.deepEqual(parseCargoMessage(JSON.stringify(message)), { reason: 'compiler-message', packageId: 'p', manifestPath: '/w/a/Cargo.toml', level: 'error', rendered: 'error[E0308]\n' });
    assert.equal(parseCargoMessage('   Compiling a v0.1.0'), undefined);
    assert.equal(parseCargoMessage('{not json'), undefined);
    assert.equal(parseCargoMessage('{"reason":"timing-info"}'), undefined);
    assert.deepEqual(parseCargoMessages('test it ... ok\n{"reason":"build-finished","success":false}\n'), [{ reason: 'build-finished', success: false }]);
  });
});
