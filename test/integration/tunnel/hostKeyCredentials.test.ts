import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fingerprintMd5,
  fingerprintSha256,
  generateHostKeyPem,
  loadHostKeyPem,
  sshPublicKeyBlob,
  sshPublicKeyLine,
} from '../../../src-main/services/tunnel/hostKey';
import { decryptCredentials, encryptCredentials, randomCredential, splitCredentials } from '../../../src-main/services/tunnel/credentials';

const SSH_KEYGEN = '/usr/bin/ssh-keygen';

describe('host key', () => {
  it('generates a P-256 SEC1 PEM and a 104-byte SSH blob', () => {
    const pem = generateHostKeyPem();
    expect(pem).toContain('BEGIN EC PRIVATE KEY');
    const blob = sshPublicKeyBlob(pem);
    expect(blob.length).toBe(4 + 19 + 4 + 8 + 4 + 65);
    expect(blob.subarray(4, 23).toString()).toBe('ecdsa-sha2-nistp256');
    const fp = fingerprintSha256(blob);
    expect(fp).toHaveLength(44);
    expect(fp.endsWith('=')).toBe(true);
    expect(fp).toBe(createHash('sha256').update(blob).digest('base64'));
    expect(fingerprintMd5(blob)).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });

  it('loads PKCS#8 too and rejects non-P-256 keys', () => {
    const pem = generateHostKeyPem();
    const pkcs8 = createPublicKey(pem) && loadHostKeyPem(pem).key.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(sshPublicKeyBlob(loadHostKeyPem(pkcs8).pem).equals(sshPublicKeyBlob(pem))).toBe(true);
    expect(() => loadHostKeyPem('nope')).toThrow(/PEM/);
  });

  it('matches ssh-keygen -l -E sha256 / md5', () => {
    if (!existsSync(SSH_KEYGEN)) {
      console.log(`skipped: ${SSH_KEYGEN} is absent (openssh-client not installed)`);
      return;
    }
    const pem = generateHostKeyPem();
    const blob = sshPublicKeyBlob(pem);
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-hk-'));
    try {
      const file = join(dir, 'key.pub');
      writeFileSync(file, sshPublicKeyLine(blob) + '\n');
      const sha = execFileSync(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', file]).toString();
      // ssh-keygen prints "256 SHA256:<unpadded base64> comment (ECDSA)"
      const m = /SHA256:([A-Za-z0-9+/]+)/.exec(sha);
      expect(m).not.toBeNull();
      expect(fingerprintSha256(blob).replace(/=+$/, '')).toBe(m![1]);
      const md5 = execFileSync(SSH_KEYGEN, ['-l', '-E', 'md5', '-f', file]).toString();
      expect(md5).toContain(`MD5:${fingerprintMd5(blob)}`);
      // and ssh-keygen reads our private PEM to the same public key
      const priv = join(dir, 'key');
      writeFileSync(priv, pem, { mode: 0o600 });
      const pub = execFileSync(SSH_KEYGEN, ['-y', '-f', priv]).toString().trim().split(' ');
      expect(pub[1]).toBe(blob.toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function md5hex(s: string): Buffer {
  return Buffer.from(createHash('md5').update(s).digest('hex'), 'ascii');
}

describe('tunnel credentials', () => {
  it('randomCredential uses [A-Za-z0-9]', () => {
    const c = randomCredential();
    expect(c).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(randomCredential(20)).toHaveLength(20);
  });

  it('encrypts like Portainer: AES-256-GCM, key = ascii hex md5(edgeId), RawStd nonce‖ct‖tag', () => {
    const edgeId = 'b1946ac9-2b1f-4f8b-9d2a-6c1d0f7a1e33';
    const plain = 'AbCdEfGh:12345678';
    const out = encryptCredentials(plain, edgeId);
    expect(out).toHaveLength(60);
    expect(out).not.toContain('=');
    const raw = Buffer.from(out, 'base64');
    expect(raw.length).toBe(45);
    const d = createDecipheriv('aes-256-gcm', md5hex(edgeId), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(29));
    expect(Buffer.concat([d.update(raw.subarray(12, 29)), d.final()]).toString()).toBe(plain);
  });

  it('decrypts values made directly with node crypto (padded or not)', () => {
    const edgeId = 'edge-42';
    const nonce = Buffer.alloc(12, 7);
    const c = createCipheriv('aes-256-gcm', md5hex(edgeId), nonce);
    const ct = Buffer.concat([c.update('user1234:pass5678'), c.final()]);
    const padded = Buffer.concat([nonce, ct, c.getAuthTag()]).toString('base64');
    expect(decryptCredentials(padded, edgeId)).toBe('user1234:pass5678');
    expect(decryptCredentials(padded.replace(/=+$/, ''), edgeId)).toBe('user1234:pass5678');
    expect(splitCredentials('user1234:pass:5678')).toEqual({ username: 'user1234', password: 'pass:5678' });
  });

  it('explains a wrong Edge ID', () => {
    const enc = encryptCredentials('a:b', 'right');
    expect(() => decryptCredentials(enc, 'wrong')).toThrow(
      'credentials do not decrypt with this Edge ID: the Edge ID does not match the one the server bound',
    );
  });
});
