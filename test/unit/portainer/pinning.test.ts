import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import { probeCertificate } from '../../../src-main/services/portainer/tls';
import { AppError } from '../../../src-main/shared/contract/errors';

let server: Server;
let url: string;
let fp: string;
let requests = 0;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'pin-test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  fp = new X509Certificate(pems.cert).fingerprint256;
  server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Version: '2.23.0', InstanceID: 'x' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function attempt(client: PortainerClient): Promise<AppError | undefined> {
  try {
    await client.status();
    return undefined;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  } finally {
    await client.close();
  }
}

describe('certificate pinning', () => {
  it('the exact pin connects', async () => {
    expect(await attempt(new PortainerClient({ url, tls: { mode: 'pinned', pinnedSha256: fp.toLowerCase() } }))).toBeUndefined();
  });

  it('another pin is refused before any request byte is sent, naming both fingerprints', async () => {
    const before = requests;
    const other = Array(32).fill('00').join(':');
    const err = await attempt(new PortainerClient({ url, tls: { mode: 'pinned', pinnedSha256: other } }));
    expect(err?.field).toBe('tls');
    expect(err?.message).toContain(`Pinned: ${other}`);
    expect(err?.message).toContain(`Presented now: ${fp}`);
    // The same two fingerprints as data, for the UI's refusal (it never reads them out of the message).
    expect(err?.pinMismatch).toEqual({ pinned: other, presented: fp });
    expect(err?.toInfo().pinMismatch).toEqual({ pinned: other, presented: fp });
    expect(requests).toBe(before);
  });

  it('system mode refuses the self-signed certificate without sending the request, and is not retried', async () => {
    const before = requests;
    const err = await attempt(new PortainerClient({ url, tls: { mode: 'system' } }));
    expect(err?.message).toContain(fp);
    expect(err?.message).toMatch(/not trusted by this system/);
    expect(requests).toBe(before);
  });

  it('insecure mode connects', async () => {
    expect(await attempt(new PortainerClient({ url, tls: { mode: 'insecure' } }))).toBeUndefined();
  });

  it('probeCertificate describes the certificate', async () => {
    const info = await probeCertificate(url);
    expect(info).toMatchObject({ sha256: fp, selfSigned: true, trustedBySystem: false });
    expect(info.subject).toMatch(/CN=pin-test/);
    expect(info.subjectAltNames.join(' ')).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(info.validTo)).toBeGreaterThan(Date.now());
  });
});

describe('sha256OfPem', () => {
  it('matches Node’s fingerprint256 for the same certificate', async () => {
    const { sha256OfPem } = await import('../../../src-main/services/portainer/fingerprint');
    const pems = await generate([{ name: 'commonName', value: 'x' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    expect(sha256OfPem(pems.cert)).toBe(new X509Certificate(pems.cert).fingerprint256);
  });
});
