import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../stores/atomicFile';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The certificate alone, PEM: what a client pins as its CA. */
  ca: string;
}

function covers(cert: X509Certificate, names: string[], nowMs: number): boolean {
  if (Date.parse(cert.validTo) - nowMs < 7 * 24 * 3600 * 1000) return false;
  return names.every((n) => (isIP(n) ? cert.checkIP(n) !== undefined : cert.checkHost(n) !== undefined));
}

/**
 * The HTTPS identity: a self-signed EC P-256 certificate kept in dataDir/tls/, generated on
 * first start (or when it does not cover the host any more / is about to expire), with SANs for
 * 127.0.0.1, localhost, ::1 and the listen host.
 */
export async function ensureCertificate(dataDir: string, host: string, logger: Logger): Promise<TlsMaterial> {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const names = [...new Set(['127.0.0.1', 'localhost', '::1', host].filter((h) => h && h !== '0.0.0.0' && h !== '::'))];
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    try {
      if (covers(new X509Certificate(cert), names, Date.now())) return { key, cert, ca: cert };
      logger.info('the local server certificate does not cover the host or expires soon: generating a new one');
    } catch (e) {
      logger.warn(`the certificate in ${certFile} is unreadable; generating a new one`, e);
    }
  }
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 825 * 24 * 3600 * 1000);
  const altNames = names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n }));
  const pems = await generate([{ name: 'commonName', value: 'edgedeck-local-portainer' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(keyFile, pems.private, 0o600);
  writeFileAtomic(certFile, pems.cert, 0o644);
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}
