import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys through node:crypto. A public key is written as the base64 of
 * its 32 raw bytes (what `keygen` prints and `_TRUSTED_KEYS` takes); PEM
 * (SPKI / PKCS#8) is accepted too.
 */
export interface TrustedKey {
  /** base64 of the raw public key: how records name their signer. */
  id: string;
  key: KeyObject;
}

export interface SigningKey {
  key: KeyObject;
  publicKey: TrustedKey;
}

const RAW_PUBLIC_KEY = /^[A-Za-z0-9+/]{43}=$/;

export function parsePublicKey(text: string): TrustedKey {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('-----BEGIN') ? createPublicKey(trimmed) : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: rawToJwk(trimmed) }, format: 'jwk' });
  } catch (error) {
    throw new Error(`not an Ed25519 public key (${shortKey(trimmed)}): ${(error as Error).message}`);
  }
  return trustedKey(key, trimmed);
}

export function parsePrivateKey(text: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(text.trim());
  } catch (error) {
    throw new Error(`not a PEM private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return { key, publicKey: trustedKey(createPublicKey(key), 'the signing key') };
}

/** A new key pair: the private key as PEM (a CI secret), the public key as `_TRUSTED_KEYS` takes it. */
export function generateSigningKey(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKeyId(publicKey) };
}

export function signBytes(data: Buffer, signing: SigningKey): string {
  return sign(null, data, signing.key).toString('base64');
}

export function verifyBytes(data: Buffer, signature: string, key: TrustedKey): boolean {
  try {
    return verify(null, data, key.key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A key as messages show it: enough of it to tell keys apart. */
export function shortKey(id: string): string {
  return id.length > 12 ? `${id.slice(0, 12)}…` : id;
}

function trustedKey(key: KeyObject, what: string): TrustedKey {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${shortKey(what)} is a ${key.asymmetricKeyType} key, expected Ed25519`);
  return { id: publicKeyId(key), key };
}

function publicKeyId(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url').toString('base64');
}

function rawToJwk(text: string): string {
  if (!RAW_PUBLIC_KEY.test(text)) throw new Error('expected the base64 of 32 bytes or a PEM public key');
  return Buffer.from(text, 'base64').toString('base64url');
}
