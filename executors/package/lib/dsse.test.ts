import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTar } from '../../../core/tar.js';
import { contentUuid } from './content-uuid.js';
import { createEnvelope, pae, verifyEnvelope } from './dsse.js';
import { checkSeal, SEALED_HEADER_LENGTH, sealedGzip } from './sealed-gzip.js';
import { algorithmOf, generateSigningKeyPair, KEY_TYPES, keyIdOf, signWith } from './signing-keys.js';

describe('DSSE', () => {
  it('encodes PAE as in the DSSE v1 specification', () => {
    const bytes = pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world'));
    expect(Buffer.from(bytes).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    // Lengths count bytes, not characters.
    expect(Buffer.from(pae('t', new TextEncoder().encode('é'))).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it.each(KEY_TYPES)('%s: signs over PAE, verifies, and rejects a changed payload type or payload', (type) => {
    const pair = generateSigningKeyPair(type);
    const privateKey = createPrivateKey(pair.privatePem);
    const algorithm = algorithmOf(privateKey, 'test key');
    const signer = {
      keyId: keyIdOf(privateKey),
      algorithm,
      sign: (data: Uint8Array) => signWith(privateKey, algorithm, data),
    };
    const publicKey = { key: createPublicKey(pair.publicPem), keyId: pair.keyId, algorithm };
    expect(signer.keyId).toBe(pair.keyId);
    const envelope = createEnvelope(new TextEncoder().encode('{"a":1}'), 'application/vnd.in-toto+json', signer);
    expect(verifyEnvelope(envelope, publicKey)).toEqual({ ok: true, keyid: pair.keyId });
    expect(verifyEnvelope({ ...envelope, payloadType: 'text/plain' }, publicKey).ok).toBe(false);
    expect(verifyEnvelope({ ...envelope, payload: Buffer.from('{"a":2}').toString('base64') }, publicKey).ok).toBe(
      false,
    );
    expect(verifyEnvelope({ ...envelope, signatures: [] }, publicKey)).toEqual({
      ok: false,
      reason: 'the provenance envelope is unsigned',
    });
  });

  it('refuses RSA keys with the accepted types in the message', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => algorithmOf(privateKey, 'the key k.pem')).toThrow(/rsa key; qlf signs with ECDSA P-256 or Ed25519/);
  });
});

describe('sealed gzip', () => {
  const tar = createTar([{ path: 'a.txt', content: new TextEncoder().encode('hello\n') }]);
  const sealed = sealedGzip(tar);

  it('is ordinary gzip to zlib and to GNU gzip, and round-trips', () => {
    expect(Buffer.from(gunzipSync(sealed)).equals(Buffer.from(tar))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'qlf-seal-'));
    try {
      writeFileSync(join(dir, 'x.gz'), sealed);
      execFileSync('gzip', ['-t', join(dir, 'x.gz')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => checkSeal(sealed)).not.toThrow();
  });

  it('rejects any change to the header, the data or the length', () => {
    for (const index of [3, 9, 14, SEALED_HEADER_LENGTH - 1, SEALED_HEADER_LENGTH, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[index] = bad[index]! ^ 0x01;
      expect(() => checkSeal(bad), `byte ${index}`).toThrow(/seal|header/);
    }
    expect(() => checkSeal(Buffer.concat([sealed, Buffer.from([0])]))).toThrow(/does not match the seal/);
  });
});

describe('contentUuid', () => {
  it('gives a stable RFC 9562 version-8 UUID per content', () => {
    const id = contentUuid(['a', 'b']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(contentUuid(['a', 'b'])).toBe(id);
    expect(contentUuid(['ab'])).not.toBe(id);
  });
});
