// Delivery end to end: a folder, a real HTTP server on loopback, and Debian's OCI registry (docker-registry) on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capsule } from './channel.js';
import { deliverCapsule } from './deliver.js';
import { CAPSULE_ARTIFACT_TYPE } from './oci-channel.js';
import { parseChannel } from './parse-channel.js';

function capsule(text = 'capsule bytes'): Capsule {
  const bytes = new TextEncoder().encode(text);
  return {
    fileName: 'payments.qlcapsule',
    bytes,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('directory channel', () => {
  it('writes the capsule and its checksum, with no temp file left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlf-deliver-dir-'));
    const [outcome] = await deliverCapsule(capsule(), [await parseChannel(`dir:${dir}`)]);
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(readdirSync(dir).sort()).toEqual(['payments.qlcapsule', 'payments.qlcapsule.sha256']);
    expect(readFileSync(join(dir, 'payments.qlcapsule.sha256'), 'utf8')).toBe(
      `${capsule().digest.slice(7)}  payments.qlcapsule\n`,
    );
  });
});

describe('HTTP channel', () => {
  let server: Server;
  let base = '';
  const received = new Map<string, Buffer>();
  let failuresLeft = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.headers.authorization !== 'Bearer s3cret-token') return res.writeHead(401).end();
        if (failuresLeft > 0) {
          failuresLeft--;
          return res.writeHead(503).end();
        }
        received.set(req.url!, Buffer.concat(chunks));
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/capsules`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('PUTs the capsule with the bearer token, retrying 5xx with backoff', async () => {
    failuresLeft = 2;
    const channel = await parseChannel(base, { QLF_DELIVERY_TOKEN: 's3cret-token' });
    const [outcome] = await deliverCapsule(capsule(), [channel], { backoffMs: 10 });
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 3, location: `${base}/payments.qlcapsule` });
    expect(received.get('/capsules/payments.qlcapsule')?.toString()).toBe('capsule bytes');
  });

  it('fails a wrong token at once without leaking it, while another channel still delivers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlf-deliver-dir-'));
    const outcomes = await deliverCapsule(
      capsule(),
      [await parseChannel(base, { QLF_DELIVERY_TOKEN: 'wrong-token' }), await parseChannel(dir)],
      { backoffMs: 10 },
    );
    expect(outcomes[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(JSON.stringify(outcomes)).not.toContain('wrong-token');
    expect(outcomes[0]?.status === 'failed' && outcomes[0].error).toMatch(/401.*QLF_DELIVERY_TOKEN/);
    expect(outcomes[1]).toMatchObject({ status: 'delivered' });
  });

  it('refuses credentials inside the URL', async () => {
    await expect(parseChannel('https://user:pw@example.invalid/x')).rejects.toMatchObject({
      code: 'E_DELIVERY_CREDENTIALS',
    });
  });
});

const registryBinary = ['/usr/bin/docker-registry'].find((path) => existsSync(path));
const strict = process.env.QLF_STRICT === '1';

describe.skipIf(!registryBinary && !strict)(
  registryBinary
    ? 'OCI channel against docker-registry on loopback'
    : 'OCI channel — skipped: docker-registry not installed',
  () => {
    let registry: ChildProcess | undefined;
    let root = '';
    let address = '';

    beforeAll(async () => {
      if (!registryBinary)
        throw new Error('QLF_STRICT=1 but docker-registry is not installed (apt-get install docker-registry)');
      root = mkdtempSync(join(tmpdir(), 'qlf-registry-'));
      address = `127.0.0.1:${await freePort()}`;
      writeFileSync(
        join(root, 'config.yml'),
        `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\nhttp:\n  addr: ${address}\n`,
      );
      registry = spawn(registryBinary, ['serve', join(root, 'config.yml')], { stdio: 'ignore' });
      const deadline = Date.now() + 15_000;
      for (;;) {
        const up = await fetch(`http://${address}/v2/`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline) throw new Error('docker-registry did not start within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    afterAll(() => {
      registry?.kill('SIGTERM');
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('pushes the capsule as an OCI artifact that can be pulled back byte for byte', async () => {
      const sent = capsule('a real capsule would be gzip; the registry does not care');
      const [outcome] = await deliverCapsule(sent, [await parseChannel(`oci://${address}/capsules/payments:1.0.0`)]);
      expect(outcome).toMatchObject({ status: 'delivered' });
      const manifest = (await (
        await fetch(`http://${address}/v2/capsules/payments/manifests/1.0.0`, {
          headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
        })
      ).json()) as { artifactType: string; layers: { digest: string }[] };
      expect(manifest.artifactType).toBe(CAPSULE_ARTIFACT_TYPE);
      expect(manifest.layers[0]?.digest).toBe(sent.digest);
      const blob = Buffer.from(
        await (await fetch(`http://${address}/v2/capsules/payments/blobs/${sent.digest}`)).arrayBuffer(),
      );
      expect(blob.equals(Buffer.from(sent.bytes))).toBe(true);
    });

    it('rejects a malformed reference with the expected form', async () => {
      await expect(parseChannel('oci://host-only')).rejects.toMatchObject({ code: 'E_DELIVERY_CHANNEL' });
    });
  },
);
