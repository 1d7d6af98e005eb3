import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryFor, storedFile, testKey } from '../store/testing/fixtures.js';
import type { ManifestCandidate } from '../store/types.js';
import { RECORD_FORMAT, signRecord, verifyRecord, type RecordBody } from './record.js';
import { generateSigningKey, parsePrivateKey, parsePublicKey } from './signing.js';

const writer = parsePrivateKey(generateSigningKey().privateKeyPem);
const stranger = parsePrivateKey(generateSigningKey().privateKeyPem);
const trust = { keys: [writer.publicKey], unverified: false };

function body(label: string): RecordBody {
  const key = testKey(label);
  const entry = entryFor(key, [storedFile('{unit}.rlib', { blob: testKey(`blob of ${label}`), size: 10 })]);
  const candidate: ManifestCandidate = { sources: [{ path: '{ws}/src/lib.rs', hash: testKey('src') }], envs: [], key };
  return { key, baseKey: entry.baseKey, candidate, entry };
}

const expect = (b: RecordBody) => ({ key: b.key, baseKey: b.baseKey });

test('a record signed by a trusted key verifies and gives back its body', () => {
  const record = body('a');
  const verdict = verifyRecord(signRecord(record, writer), expect(record), trust);
  assert.deepEqual(verdict, { ok: true, body: record, signer: writer.publicKey.id });
});

test('a record signed by a key that is not trusted is refused, naming the key', () => {
  const record = body('a');
  const verdict = verifyRecord(signRecord(record, stranger), expect(record), trust);
  assert.deepEqual(verdict, { ok: false, problem: `record is signed by key ${stranger.publicKey.id.slice(0, 12)}…, which is not trusted` });
});

test('an unsigned record, and one whose body was changed after signing, are refused', () => {
  const record = body('a');
  const unsigned = JSON.stringify({ format: RECORD_FORMAT, body: JSON.stringify(record) });
  assert.deepEqual(verifyRecord(unsigned, expect(record), trust), { ok: false, problem: 'record is not signed' });
  const envelope = JSON.parse(signRecord(record, writer));
  const swapped = { ...record, entry: { ...record.entry, files: [{ ...record.entry.files[0], blob: testKey('planted') }] } };
  const edited = JSON.stringify({ ...envelope, body: JSON.stringify(swapped) });
  assert.match(String((verifyRecord(edited, expect(record), trust) as { problem: string }).problem), /signature by key .* does not verify/);
});

test('a genuine record served under another key or base key is refused: it cannot be replayed', () => {
  const record = body('a');
  const other = body('b');
  const text = signRecord(record, writer);
  assert.deepEqual(verifyRecord(text, { key: other.key, baseKey: record.baseKey }, trust), { ok: false, problem: `record is for key ${record.key}, not ${other.key}` });
  assert.deepEqual(verifyRecord(text, { key: record.key, baseKey: other.baseKey }, trust), { ok: false, problem: `record is for base key ${record.baseKey}, not ${other.baseKey}` });
});

test('malformed records are refused with the reason', () => {
  const record = body('a');
  assert.deepEqual(verifyRecord('{', expect(record), trust), { ok: false, problem: 'record is not valid JSON' });
  assert.match((verifyRecord(JSON.stringify({ format: 'other/9', body: '{}' }), expect(record), trust) as { problem: string }).problem, /format is "other\/9"/);
  const badEntry = { ...record, entry: { ...record.entry, files: [{ ...record.entry.files[0], name: '../../escape' }] } };
  assert.match((verifyRecord(signRecord(badEntry, writer), expect(record), trust) as { problem: string }).problem, /record entry: files: bad file name/);
});

test('negative control: with verification switched off (test-only), unsigned and untrusted records pass', () => {
  const record = body('a');
  const off = { keys: [writer.publicKey], unverified: true };
  const unsigned = JSON.stringify({ format: RECORD_FORMAT, body: JSON.stringify(record) });
  assert.equal(verifyRecord(unsigned, expect(record), off).ok, true);
  assert.equal(verifyRecord(signRecord(record, stranger), expect(record), off).ok, true);
  // The key checks stay: even then a record is only used for its own key.
  assert.equal(verifyRecord(signRecord(record, stranger), expect(body('b')), off).ok, false);
});

test('public keys parse from keygen output and from PEM; junk is refused', () => {
  const pair = generateSigningKey();
  const parsed = parsePublicKey(pair.publicKey);
  assert.equal(parsed.id, parsePrivateKey(pair.privateKeyPem).publicKey.id);
  assert.equal(parsePublicKey(parsed.key.export({ format: 'pem', type: 'spki' }).toString()).id, parsed.id);
  assert.throws(() => parsePublicKey('not-a-key'), /not an Ed25519 public key/);
  assert.throws(() => parsePrivateKey('nope'), /not a PEM private key/);
});
