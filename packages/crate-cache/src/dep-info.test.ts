import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { parseDepInfo } from './dep-info.js';

test('rustc dep-info: files once each, escaped spaces, env-deps with and without values', () => {
  const text = [
    '/w/target/debug/deps/app-1a.d: src/main.rs src/my\\ mod.rs ../shared/data.txt',
    '',
    '/w/target/debug/deps/libapp-1a.rmeta: src/main.rs src/my\\ mod.rs ../shared/data.txt',
    '',
    'src/main.rs:',
    'src/my\\ mod.rs:',
    '../shared/data.txt:',
    '',
    '# env-dep:APP_MODE=line one\\nline two \\\\ end',
    '# env-dep:OPTIONAL',
    '# env-dep:EMPTY=',
  ].join('\n');
  assert.deepEqual(parseDepInfo(text), {
    files: ['src/main.rs', 'src/my mod.rs', '../shared/data.txt'],
    env: [{ name: 'APP_MODE', value: 'line one\nline two \\ end' }, { name: 'OPTIONAL' }, { name: 'EMPTY', value: '' }],
  });
});

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
