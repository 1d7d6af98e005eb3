import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteString, flushRequest, parseRequest, PROTOCOL, stringList } from './frames.js';

test('a request frame as the client writes it parses back', () => {
  const frame = Buffer.concat([Buffer.from(PROTOCOL), stringList(['rustc', '--crate-name', 'é']), byteString('/w'), stringList(['A=1', 'B=x=y', 'EMPTY='])]);
  assert.deepEqual(parseRequest(frame), { kind: 'call', argv: ['rustc', '--crate-name', 'é'], cwd: '/w', env: { A: '1', B: 'x=y', EMPTY: '' } });
  assert.throws(() => parseRequest(Buffer.from('XXXX')), /not an NXC1 or NXF1 request/);
});

test('a flush request names its session', () => {
  // flushRequest is the whole frame, length first, as the server's reader takes it.
  assert.deepEqual(parseRequest(flushRequest('s-1').subarray(4)), { kind: 'flush', session: 's-1' });
  assert.deepEqual(parseRequest(flushRequest('').subarray(4)), { kind: 'flush', session: '' });
});
