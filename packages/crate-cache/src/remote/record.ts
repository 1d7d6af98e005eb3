import type { EntryMeta, ManifestCandidate } from '../store/types.js';
import { candidateProblem, entryProblem } from '../store/validate.js';
import { shortKey, signBytes, verifyBytes, type SigningKey, type TrustedKey } from './signing.js';

/**
 * A remote record: one cache entry with the source set it was keyed on, in
 * a signed envelope. The signature covers the body's exact bytes: the key,
 * the base key, the source set (opaque here, as in the local manifest), and
 * the entry with every blob's hash and size. A genuine record copied under
 * another key fails the key check; one with a blob swapped fails the blob's
 * hash on download.
 */
export const RECORD_FORMAT = 'nx-cargo-crate-record/1';

export interface RecordBody {
  key: string;
  baseKey: string;
  candidate: ManifestCandidate;
  entry: EntryMeta;
}

interface Envelope {
  format: string;
  /** The body as JSON text: what was signed, byte for byte. */
  body: string;
  /** base64 of the signer's raw Ed25519 public key. */
  signer?: string;
  signature?: string;
}

export type Verdict = { ok: true; body: RecordBody; signer?: string } | { ok: false; problem: string };

export interface Trust {
  keys: TrustedKey[];
  /** Test-only: skip the signature checks (the shape and key checks stay). */
  unverified: boolean;
}

export function signRecord(body: RecordBody, signing: SigningKey): string {
  const text = JSON.stringify(body);
  const envelope: Envelope = { format: RECORD_FORMAT, body: text, signer: signing.publicKey.id, signature: signBytes(signedBytes(text), signing) };
  return JSON.stringify(envelope);
}

/**
 * The record in `text` if it is signed by a trusted key and is the record
 * of `expected`; otherwise why not, in words for the event log.
 */
export function verifyRecord(text: string, expected: { key: string; baseKey: string }, trust: Trust): Verdict {
  const envelope = parseEnvelope(text);
  if ('problem' in envelope) return { ok: false, problem: envelope.problem };
  if (!trust.unverified) {
    if (envelope.signer === undefined || envelope.signature === undefined) return { ok: false, problem: 'record is not signed' };
    const key = trust.keys.find((candidate) => candidate.id === envelope.signer);
    if (!key) return { ok: false, problem: `record is signed by key ${shortKey(envelope.signer)}, which is not trusted` };
    if (!verifyBytes(signedBytes(envelope.body), envelope.signature, key)) return { ok: false, problem: `record signature by key ${shortKey(key.id)} does not verify` };
  }
  const body = parseBody(envelope.body);
  if ('problem' in body) return { ok: false, problem: body.problem };
  if (body.key !== expected.key || body.entry.key !== expected.key || body.candidate.key !== expected.key) {
    return { ok: false, problem: `record is for key ${body.key}, not ${expected.key}` };
  }
  if (body.baseKey !== expected.baseKey || body.entry.baseKey !== expected.baseKey) {
    return { ok: false, problem: `record is for base key ${body.baseKey}, not ${expected.baseKey}` };
  }
  return { ok: true, body, signer: envelope.signer };
}

/** Domain-separated, so a signature over a record can never be taken for one over something else. */
function signedBytes(body: string): Buffer {
  return Buffer.from(`${RECORD_FORMAT}\n${body}`);
}

function parseEnvelope(text: string): Envelope | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'record is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null) return { problem: 'record is not an object' };
  const envelope = value as Record<string, unknown>;
  if (envelope.format !== RECORD_FORMAT) return { problem: `record format is ${JSON.stringify(envelope.format)}, expected ${RECORD_FORMAT}` };
  if (typeof envelope.body !== 'string') return { problem: 'record has no body' };
  for (const field of ['signer', 'signature'] as const) {
    if (envelope[field] !== undefined && typeof envelope[field] !== 'string') return { problem: `record ${field} is not a string` };
  }
  return envelope as unknown as Envelope;
}

function parseBody(text: string): RecordBody | { problem: string } {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { problem: 'record body is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null) return { problem: 'record body is not an object' };
  if (typeof value.key !== 'string' || typeof value.baseKey !== 'string') return { problem: 'record body has no key' };
  const entry = entryProblem(value.entry);
  if (entry) return { problem: `record entry: ${entry}` };
  const candidate = candidateProblem(value.candidate);
  if (candidate) return { problem: `record source set: ${candidate}` };
  return value as unknown as RecordBody;
}
