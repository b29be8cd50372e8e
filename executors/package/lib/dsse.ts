// DSSE envelopes (Dead Simple Signing Envelope, v1): the signature covers PAE(payloadType, payload), never raw JSON,
// so a verifier cannot be tricked into reading the payload as another type.
import type { KeyObject } from 'node:crypto';
import { type SignatureAlgorithm, type Signer, verifyWith } from './signing-keys.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  keyid: string;
  /** Base64 signature over PAE. */
  sig: string;
}

export interface DsseEnvelope {
  /** Base64 of the payload bytes. */
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

/** Pre-Authentication Encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`, lengths in ASCII decimal bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Wraps `payload`; with no signer the envelope has `signatures: []` (an unsigned capsule). */
export function createEnvelope(payload: Uint8Array, payloadType: string, signer?: Signer): DsseEnvelope {
  const signatures = signer
    ? [{ keyid: signer.keyId, sig: Buffer.from(signer.sign(pae(payloadType, payload))).toString('base64') }]
    : [];
  return { payload: Buffer.from(payload).toString('base64'), payloadType, signatures };
}

export type EnvelopeCheck = { ok: true; keyid: string } | { ok: false; reason: string };

/** Checks that some signature in `envelope` was made by `key` over the envelope's own PAE bytes. */
export function verifyEnvelope(
  envelope: DsseEnvelope,
  key: { key: KeyObject; keyId: string; algorithm: SignatureAlgorithm },
): EnvelopeCheck {
  if (envelope.signatures.length === 0) return { ok: false, reason: 'the provenance envelope is unsigned' };
  const payload = Buffer.from(envelope.payload, 'base64');
  const message = pae(envelope.payloadType, payload);
  const matching = envelope.signatures.filter((s) => s.keyid === key.keyId);
  if (matching.length === 0) {
    const ids = envelope.signatures.map((s) => s.keyid.slice(0, 16)).join(', ');
    return { ok: false, reason: `signed by key ${ids}…, not by the given key ${key.keyId.slice(0, 16)}…` };
  }
  for (const signature of matching) {
    if (verifyWith(key.key, key.algorithm, message, Buffer.from(signature.sig, 'base64'))) {
      return { ok: true, keyid: signature.keyid };
    }
  }
  return { ok: false, reason: 'the signature does not match the provenance payload (tampered or wrong key)' };
}
