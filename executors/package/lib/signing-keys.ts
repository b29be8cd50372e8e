// Signing keys for capsule provenance: generation, loading and the key id. node:crypto only; private keys stay in memory
// and never appear in a message, a log or a capsule.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inputError } from '../../../core/errors.js';
import { sha256 } from '../../../core/hash.js';

export const KEY_TYPES = ['ecdsa-p256', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
/** ECDSA signatures are ASN.1 DER (what DSSE and sigstore tooling expect), over a sha256 digest of the PAE bytes. */
export type SignatureAlgorithm = 'ecdsa-p256-sha256' | 'ed25519';

export interface Signer {
  /** sha256 (hex) of the public key's SubjectPublicKeyInfo DER. */
  keyId: string;
  algorithm: SignatureAlgorithm;
  sign(data: Uint8Array): Uint8Array;
}

/** A new key pair as PEM: PKCS#8 private key, SPKI public key. */
export function generateSigningKeyPair(type: KeyType): { privatePem: string; publicPem: string; keyId: string } {
  const pair =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(pair.publicKey),
  };
}

/** The key id: sha256 of the SPKI DER encoding of the public key (stable across PEM formatting). */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return sha256(publicKey.export({ type: 'spki', format: 'der' }));
}

/** The signature algorithm a key supports, or an input error naming the accepted key types. */
export function algorithmOf(key: KeyObject, where: string): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'ecdsa-p256-sha256';
  throw inputError(
    'E_KEY_TYPE',
    `${where} is a ${key.asymmetricKeyType ?? 'unknown'} key; qlf signs with ECDSA P-256 or Ed25519`,
    {
      hint: 'Create a supported key with `qlf keys generate --type ecdsa-p256` (or `--type ed25519`).',
    },
  );
}

export function signWith(key: KeyObject, algorithm: SignatureAlgorithm, data: Uint8Array): Uint8Array {
  return algorithm === 'ed25519' ? sign(null, data, key) : sign('sha256', data, { key, dsaEncoding: 'der' });
}

export function verifyWith(
  key: KeyObject,
  algorithm: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return algorithm === 'ed25519'
      ? verify(null, data, key, signature)
      : verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** Loads a PEM private key into a Signer. Errors name the file, never its content. */
export async function loadSigner(path: string): Promise<Signer> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    throw inputError(
      'E_SIGNING_KEY',
      `cannot read the signing key ${path} (${(error as NodeJS.ErrnoException).code})`,
      {
        hint: 'Point `package.signingKey` or QLF_SIGNING_KEY at a PEM private key, e.g. one from `qlf keys generate`.',
      },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw inputError('E_SIGNING_KEY', `the signing key ${path} is not an unencrypted PEM private key`, {
      hint: 'Use a PKCS#8 PEM private key without a passphrase, e.g. one from `qlf keys generate`.',
    });
  } finally {
    pem.fill(0);
  }
  const algorithm = algorithmOf(key, `the signing key ${path}`);
  return { keyId: keyIdOf(key), algorithm, sign: (data) => signWith(key, algorithm, data) };
}

/** Loads a PEM public key (SPKI; a private key is accepted and reduced to its public half). */
export async function loadPublicKey(
  path: string,
): Promise<{ key: KeyObject; keyId: string; algorithm: SignatureAlgorithm }> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw inputError('E_PUBLIC_KEY', `cannot read the public key ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw inputError('E_PUBLIC_KEY', `${path} is not a PEM public key`, {
      hint: 'Pass the `qlf-signing.pub` written by `qlf keys generate`.',
    });
  }
  return { key, keyId: keyIdOf(key), algorithm: algorithmOf(key, `the public key ${path}`) };
}
