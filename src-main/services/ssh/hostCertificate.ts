import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import ssh2, { type ConnectConfig } from 'ssh2';
import sshpk from 'sshpk';
import type { HostKey } from './knownHosts';

/**
 * OpenSSH host certificates (`@cert-authority` lines of known_hosts, PROTOCOL.certkeys).
 *
 * ssh2 1.17 cannot finish a key exchange on a certificate host key algorithm: its kex.js demands
 * that the signature type equal the negotiated algorithm (`ssh-ed25519` vs
 * `ssh-ed25519-cert-v01@openssh.com`) and parses the host key blob as a plain key. So the
 * certificate is asked for in a short key exchange of its own that stops at the host key (the
 * host verifier gets the certificate blob and refuses it), and the real connection then
 * negotiates the plain key of the certificate's type and accepts it only when it is exactly the
 * certified key. The real handshake still proves the host holds that key's private half; the
 * certificate, checked here, binds the key to the host name by the CA.
 *
 * RSA host certificates are not fetched: OpenSSH 8.8+ offers them only as `rsa-sha2-*-cert-v01`,
 * whose blob type (`ssh-rsa-cert-v01@openssh.com`) ssh2 refuses before its host verifier runs.
 */
const CERT_ALGORITHMS = ['ssh-ed25519-cert-v01@openssh.com', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com'];

let registered = false;
/** ssh2 checks configured algorithms against its supported list: the probe's are added to it (names only). */
function registerCertAlgorithms(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  const constants = require('ssh2/lib/protocol/constants.js') as { SUPPORTED_SERVER_HOST_KEY: string[] };
  for (const a of CERT_ALGORITHMS) if (!constants.SUPPORTED_SERVER_HOST_KEY.includes(a)) constants.SUPPORTED_SERVER_HOST_KEY.push(a);
  registered = true;
}

/**
 * The host's certificate blob, or undefined when it offers none (or the probe fails: the real
 * connection then goes on with plain keys). Never authenticates; bounded by `timeoutMs`.
 */
export function fetchHostCertificate(o: { host: string; port: number; sock?: Duplex; timeoutMs?: number }): Promise<Buffer | undefined> {
  registerCertAlgorithms();
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let cert: Buffer | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.destroy();
      resolve(cert);
    };
    const timer = setTimeout(finish, o.timeoutMs ?? 10_000);
    client.on('error', finish);
    client.on('close', finish);
    client.on('ready', finish);
    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: 'edgedeck-certificate-probe',
      readyTimeout: 0,
      algorithms: { serverHostKey: CERT_ALGORITHMS as never },
      hostVerifier: ((blob: Buffer) => {
        cert = Buffer.from(blob);
        return false;
      }) as unknown as ConnectConfig['hostVerifier'],
    };
    if (o.sock) config.sock = o.sock as unknown as ConnectConfig['sock'];
    try {
      client.connect(config);
    } catch {
      finish();
    }
  });
}

export type CertificateVerdict = { ok: true; key: HostKey; ca: string; keyId: string } | { ok: false; why: string };

/** A @cert-authority line's CA key and its host pattern field. */
export interface CertAuthority {
  type: string;
  base64: string;
}

/**
 * Checks a host certificate as OpenSSH's client does (sshconnect.c check_host_cert and
 * sshkey_cert_check_authority): a host (not user) certificate, signed by one of `cas` (none of
 * them in `revoked`), valid now, naming `hostName` among its principals (an empty list names any
 * host), with no critical options (none are defined for host certificates).
 */
export function checkHostCertificate(blob: Buffer, o: { hostName: string; cas: CertAuthority[]; revoked: Set<string>; now: Date }): CertificateVerdict {
  let cert: sshpk.Certificate;
  try {
    const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1');
    cert = sshpk.parseCertificate(`${type} ${blob.toString('base64')}`, 'openssh');
  } catch (e) {
    return { ok: false, why: `the certificate cannot be read (${e instanceof Error ? e.message : String(e)})` };
  }
  const sig = (cert as unknown as { signatures: { openssh?: { keyId?: string; exts?: Array<{ critical: boolean; name: string }> } } }).signatures.openssh;
  if (cert.subjects.some((s) => s.type !== 'host')) return { ok: false, why: 'it is a user certificate, not a host certificate' };
  const critical = (sig?.exts ?? []).filter((e) => e.critical).map((e) => e.name);
  if (critical.length) return { ok: false, why: `it has critical options no host certificate may have (${critical.join(', ')})` };
  const now = o.now.getTime();
  if (now < cert.validFrom.getTime()) return { ok: false, why: `it is not valid before ${cert.validFrom.toISOString()}` };
  if (now >= cert.validUntil.getTime()) return { ok: false, why: `it expired at ${cert.validUntil.toISOString()}` };
  const names = cert.subjects.map((s) => (s as unknown as { hostname?: string }).hostname ?? '');
  // sshpk reads an empty principal list as ["*"]: for a host certificate both mean "any host".
  if (!names.includes('*') && !names.includes(o.hostName)) return { ok: false, why: `it names ${names.join(', ')}, not ${o.hostName}` };
  const issuer = cert.issuerKey;
  if (!issuer) return { ok: false, why: 'it names no signing key' };
  const issuerFp = issuer.fingerprint('sha256').toString();
  const ca = o.cas.find((c) => sshpk.parseKey(`${c.type} ${c.base64}`, 'ssh').fingerprint('sha256').toString() === issuerFp);
  if (!ca) return { ok: false, why: `its signing key ${issuerFp} is not a @cert-authority for this host` };
  if (o.revoked.has(ca.base64)) return { ok: false, why: `its signing key ${issuerFp} is marked @revoked` };
  if (!cert.isSignedByKey(issuer)) return { ok: false, why: 'its signature does not verify' };
  const subject = cert.subjectKey.toBuffer('rfc4253');
  return { ok: true, key: { type: subjectType(subject), base64: subject.toString('base64') }, ca: issuerFp, keyId: sig?.keyId ?? '' };
}

function subjectType(wire: Buffer): string {
  return wire.subarray(4, 4 + wire.readUInt32BE(0)).toString('latin1');
}
