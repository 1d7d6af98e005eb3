import assert from 'node:assert/strict';
import { test } from 'node:test';
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
    envs: [
      { name: 'APP_MODE', value: 'line one\nline two \\ end' },
      { name: 'OPTIONAL', value: undefined },
      { name: 'EMPTY', value: '' },
    ],
  });
});
