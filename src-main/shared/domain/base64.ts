import { invalidInput } from '../contract/errors';

/**
 * Standard-alphabet base64 over UTF-8, written by hand so the core runs unchanged in the
 * renderer and in Node without Buffer, and so non-ASCII text survives (btoa only takes Latin-1).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES: ReadonlyMap<string, number> = new Map([...ALPHABET].map((c, i) => [c, i]));

export interface Base64EncodeOptions {
  /** false gives Go's RawStdEncoding form, which the Edge agent insists on. Default true. */
  padded?: boolean;
}

export function encodeBase64Bytes(bytes: Uint8Array, options: Base64EncodeOptions = {}): string {
  const padded = options.padded ?? true;
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += ALPHABET[b0 >> 2]!;
    out += ALPHABET[((b0 & 0x03) << 4) | ((b1 ?? 0) >> 4)]!;
    if (b1 === undefined) {
      if (padded) out += '==';
      break;
    }
    out += ALPHABET[((b1 & 0x0f) << 2) | ((b2 ?? 0) >> 6)]!;
    if (b2 === undefined) {
      if (padded) out += '=';
      break;
    }
    out += ALPHABET[b2 & 0x3f]!;
  }
  return out;
}

/** Encodes text as UTF-8. Unpaired surrogates are refused: TextEncoder would silently turn them into U+FFFD. */
export function encodeBase64(text: string, options: Base64EncodeOptions = {}, field = 'text'): string {
  const lone = findLoneSurrogate(text);
  if (lone >= 0) {
    throw invalidInput(field, `${field} has an unpaired UTF-16 surrogate at position ${lone + 1}, which has no UTF-8 form; remove or replace that character.`);
  }
  return encodeBase64Bytes(new TextEncoder().encode(text), options);
}

/**
 * Accepts padded and unpadded input, because people paste keys from both Go's Raw and Std encoders.
 * `field` names the input in error messages.
 */
export function decodeBase64Bytes(text: string, field = 'base64'): Uint8Array {
  let body = text;
  let padding = 0;
  while (body.endsWith('=') && padding < 2) {
    body = body.slice(0, -1);
    padding++;
  }
  const values: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const v = VALUES.get(c);
    if (v === undefined) {
      throw invalidInput(field, `${field} is not valid base64: ${describeChar(c)} at position ${i + 1} is outside the standard alphabet (A-Z a-z 0-9 + /, with '=' only as trailing padding); check that the whole value was copied and nothing else.`);
    }
    values.push(v);
  }
  if (body.length % 4 === 1) {
    throw invalidInput(field, `${field} is not valid base64: its length (${body.length} characters without padding) cannot come from any encoding; a character is probably missing or extra, so copy the value again.`);
  }
  if (padding > 0 && (body.length + padding) % 4 !== 0) {
    throw invalidInput(field, `${field} is not valid base64: it ends with ${padding} '=' but the padding must bring the length to a multiple of 4; remove the '=' characters.`);
  }
  const bytes = new Uint8Array(Math.floor((values.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const v of values) {
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (acc >> bits) & 0xff;
    }
  }
  return bytes;
}

/** Decodes to text, refusing bytes that are not UTF-8 rather than guessing a replacement. */
export function decodeBase64(text: string, field = 'base64'): string {
  const bytes = decodeBase64Bytes(text, field);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidInput(field, `${field} decodes to bytes that are not UTF-8 text; it is probably not the value you meant to paste.`);
  }
}

function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  if (c === '=') return "'=' (padding inside the text)";
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
}

function findLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}
