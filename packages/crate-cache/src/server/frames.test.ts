import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteString, parseRequest, PROTOCOL, stringList } from './frames.js';

test('a request frame as the client writes it parses back', () => {
  const frame = Buffer.concat([Buffer.from(PROTOCOL), stringList(['rustc', '--crate-name', 'é']), byteString('/w'), stringList(['A=1', 'B=x=y', 'EMPTY='])]);
  assert.deepEqual(parseRequest(frame), { argv: ['rustc', '--crate-name', 'é'], cwd: '/w', env: { A: '1', B: 'x=y', EMPTY: '' } });
  assert.throws(() => parseRequest(Buffer.from('XXXX')), /not an NXC1 request/);
});
