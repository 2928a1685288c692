import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';

/**
 * The tunnel server's identity (portainer-edge.md §1.3, §4.3): an ECDSA P-256 key, PEM on disk
 * (SEC1 "EC PRIVATE KEY", as Portainer ≥ 2.19 stores it), whose SSH public-key blob is
 * fingerprinted into every Edge key.
 */

const KEY_TYPE = 'ecdsa-sha2-nistp256';
const CURVE = 'nistp256';

/** A fresh random P-256 key as SEC1 PEM. */
export function generateHostKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'sec1', format: 'pem' }).toString();
}

/** Parses a PEM (SEC1 or PKCS#8), checks it is P-256, and returns it as SEC1 PEM (what ssh2 reads). */
export function loadHostKeyPem(pem: string): { pem: string; key: KeyObject } {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new AppError('invalid_input', `The tunnel host key is not a readable PEM private key: ${(err as Error).message}`, 'hostKeyPem');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AppError('invalid_input', 'The tunnel host key must be an ECDSA P-256 key.', 'hostKeyPem');
  }
  return { pem: key.export({ type: 'sec1', format: 'pem' }).toString(), key };
}

function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length, 0);
  return Buffer.concat([len, buf]);
}

/** The SSH wire-format public key: string "ecdsa-sha2-nistp256", string "nistp256", string Q (0x04‖X‖Y). */
export function sshPublicKeyBlob(pemOrKey: string | KeyObject): Buffer {
  const pub = createPublicKey(pemOrKey as string);
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new AppError('invalid_input', 'Not an ECDSA P-256 key.', 'hostKeyPem');
  const q = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return Buffer.concat([sshString(Buffer.from(KEY_TYPE)), sshString(Buffer.from(CURVE)), sshString(q)]);
}

/** `authorized_keys` style line for the public key, e.g. for ssh-keygen. */
export function sshPublicKeyLine(blob: Buffer, comment = 'edgedeck-tunnel'): string {
  return `${KEY_TYPE} ${blob.toString('base64')} ${comment}`;
}

/** Chisel ≥ 1.9 / Portainer ≥ 2.19: base64 std WITH padding of SHA-256(blob), no `SHA256:` prefix. */
export function fingerprintSha256(blob: Buffer): string {
  return createHash('sha256').update(blob).digest('base64');
}

/** Legacy (Portainer ≤ 2.18): MD5(blob) as lower-case colon-separated hex. */
export function fingerprintMd5(blob: Buffer): string {
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}
