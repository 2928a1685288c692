import type { CertificateView } from '../../shared/schemas/portainer';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { AppError } from '../../shared/contract/errors';
import { normaliseSha256, sha256OfDer } from './fingerprint';
import { hostPort } from './url';

export type TlsMode = 'system' | 'pinned' | 'insecure';

export interface TlsSettings {
  mode: TlsMode;
  /** Canonical SHA-256 (see fingerprint.ts); required in pinned mode. */
  pinnedSha256?: string;
}

/**
 * Raised by the connector once the TLS handshake is done and before a single byte of the
 * request is written, when the peer certificate is not acceptable under the profile's mode.
 */
export class CertificateRefused extends Error {
  constructor(
    readonly kind: 'untrusted' | 'pin-mismatch',
    readonly presentedSha256: string,
    readonly reason: string,
    readonly pinnedSha256?: string,
  ) {
    super(kind === 'pin-mismatch' ? `certificate changed: pinned ${pinnedSha256}, presented ${presentedSha256}` : `certificate not trusted (${reason}): ${presentedSha256}`);
    this.name = 'CertificateRefused';
  }
}

export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One undici Agent per server. All three modes handshake with `rejectUnauthorized: false` and
 * decide in the connect callback, which undici runs on `secureConnect` before it writes the
 * request:
 * - system: the socket's own verdict (`authorized` covers chain and host name) must be true;
 *   otherwise the request fails with the presented fingerprint so the UI can offer a pin.
 * - pinned: the DER SHA-256 of the leaf must equal the pin exactly; the chain and name are not
 *   consulted (the pin is the identity). TLS session resumption is off so every connection
 *   shows its certificate.
 * - insecure: anything goes (the profile view flags it).
 */
export function createDispatcher(tlsSettings: TlsSettings, options: { connectTimeoutMs?: number } = {}): Agent {
  const pinned = tlsSettings.mode === 'pinned' ? normaliseSha256(tlsSettings.pinnedSha256 ?? '', 'tls.pinnedSha256') : undefined;
  const base = buildConnector({
    rejectUnauthorized: false,
    timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    maxCachedSessions: tlsSettings.mode === 'system' ? 100 : 0,
  });
  const connect: buildConnector.connector = (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) {
        callback(err ?? new Error('connection failed'), null);
        return;
      }
      if (opts.protocol !== 'https:') {
        callback(null, socket);
        return;
      }
      const refusal = judge(socket as TLSSocket, tlsSettings.mode, pinned);
      if (refusal) {
        socket.destroy();
        callback(refusal, null);
        return;
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, connections: 8, keepAliveTimeout: 4_000 });
}

function judge(socket: TLSSocket, mode: TlsMode, pinned: string | undefined): CertificateRefused | undefined {
  if (mode === 'insecure') return undefined;
  const cert = socket.getPeerCertificate();
  const presented = cert && cert.raw ? sha256OfDer(cert.raw) : '(no certificate)';
  if (mode === 'pinned') {
    return presented === pinned ? undefined : new CertificateRefused('pin-mismatch', presented, 'fingerprint differs from the pin', pinned);
  }
  if (socket.authorized) return undefined;
  const reason = socket.authorizationError ? String(socket.authorizationError) : 'not verified';
  return new CertificateRefused('untrusted', presented, reason);
}

/** What the first-contact prompt shows about a server's certificate (one shape, shared with the UI). */
export type CertificateInfo = CertificateView;

/** Connects once to read the certificate an HTTPS server presents; sends no HTTP request. */
export function probeCertificate(baseUrl: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CertificateInfo> {
  const { host, port, https } = hostPort(baseUrl);
  if (!https) return Promise.reject(new AppError('invalid_input', 'This address uses http://, so there is no certificate to check; traffic, including the password, travels unencrypted.', 'url'));
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      timeout: options.timeoutMs ?? CONNECT_TIMEOUT_MS,
    });
    const onAbort = () => {
      socket.destroy();
      reject(new AppError('cancelled', 'The certificate check was cancelled.'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => options.signal?.removeEventListener('abort', onAbort);
    socket.once('secureConnect', () => {
      done();
      try {
        const cert = socket.getPeerCertificate(true);
        if (!cert || !cert.raw) throw new Error('the server presented no certificate');
        resolve(describe(cert, socket));
      } catch (e) {
        reject(e);
      } finally {
        socket.end();
      }
    });
    socket.once('timeout', () => {
      done();
      socket.destroy();
      const e = new Error(`connect timeout to ${host}:${port}`) as NodeJS.ErrnoException;
      e.code = 'UND_ERR_CONNECT_TIMEOUT';
      reject(e);
    });
    socket.once('error', (e) => {
      done();
      reject(e);
    });
  });
}

function describe(cert: PeerCertificate, socket: TLSSocket): CertificateInfo {
  const x509 = new X509Certificate(cert.raw);
  const selfSigned = x509.subject === x509.issuer && x509.verify(x509.publicKey);
  const info: CertificateInfo = {
    sha256: sha256OfDer(cert.raw),
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    selfSigned,
    trustedBySystem: socket.authorized,
    subjectAltNames: (x509.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
  };
  if (!socket.authorized && socket.authorizationError) info.untrustedReason = String(socket.authorizationError);
  return info;
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
