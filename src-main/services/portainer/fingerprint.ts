import { createHash } from 'node:crypto';
import { invalidInput } from '../../shared/contract/errors';

/**
 * Certificate fingerprints are SHA-256 over the DER bytes, written as upper-case hex pairs
 * joined by ':' (the form Node's `fingerprint256` and browsers show). Users may paste the same
 * digest as bare hex, lower case, with a "sha256:" prefix or as base64 (openssl | base64);
 * `normaliseSha256` turns all of them into the one canonical form before comparing or storing.
 */
export function sha256OfDer(der: Buffer): string {
  return formatHex(createHash('sha256').update(der).digest());
}

function formatHex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export function normaliseSha256(input: string, field = 'pinnedSha256'): string {
  const text = input.trim().replace(/^sha-?256[:=]?\s*/i, '');
  const hex = text.replace(/[:\s-]/g, '');
  if (/^[0-9a-f]{64}$/i.test(hex)) return formatHex(Buffer.from(hex, 'hex'));
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return formatHex(bytes);
  }
  throw invalidInput(
    field,
    'A certificate fingerprint is the SHA-256 digest of the certificate: 64 hex digits (optionally in pairs separated by ":") or 44 characters of base64.',
  );
}

export function sameFingerprint(a: string, b: string): boolean {
  try {
    return normaliseSha256(a) === normaliseSha256(b);
  } catch {
    return false;
  }
}

/** The pin for a PEM certificate (e.g. the local server's `caPem`), in the canonical form. */
export function sha256OfPem(pem: string): string {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return sha256OfDer(Buffer.from(b64, 'base64'));
}
