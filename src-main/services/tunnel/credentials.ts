import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';

/**
 * Portainer's tunnel credentials (portainer-edge.md §4.2): `user:pass`, AES-256-GCM with the key =
 * ASCII bytes of the lower-case hex MD5 of the Edge ID, output base64 RawStd of nonce‖ct‖tag.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const NONCE = 12;
const TAG = 16;

export function randomCredential(len = 8): string {
  let out = '';
  for (let i = 0; i < len; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

function keyFor(edgeId: string): Buffer {
  return Buffer.from(createHash('md5').update(edgeId, 'utf8').digest('hex'), 'ascii');
}

export function encryptCredentials(plain: string, edgeId: string): string {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', keyFor(edgeId), nonce);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64').replace(/=+$/, '');
}

export function decryptCredentials(b64: string, edgeId: string): string {
  const trimmed = b64.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) {
    throw new AppError('invalid_input', 'The tunnel credentials are not base64.', 'credentials');
  }
  const data = Buffer.from(trimmed.replace(/=+$/, ''), 'base64');
  if (data.length < NONCE + TAG) throw new AppError('invalid_input', 'The tunnel credentials are too short.', 'credentials');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(edgeId), data.subarray(0, NONCE));
  decipher.setAuthTag(data.subarray(data.length - TAG));
  try {
    return Buffer.concat([decipher.update(data.subarray(NONCE, data.length - TAG)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError(
      'forbidden',
      'credentials do not decrypt with this Edge ID: the Edge ID does not match the one the server bound',
      'edgeId',
    );
  }
}

/** `user:pass` split on the first `:`, as the agent does. */
export function splitCredentials(plain: string): { username: string; password: string } {
  const i = plain.indexOf(':');
  if (i < 0) throw new AppError('invalid_input', 'The tunnel credentials are not `user:password`.', 'credentials');
  return { username: plain.slice(0, i), password: plain.slice(i + 1) };
}
