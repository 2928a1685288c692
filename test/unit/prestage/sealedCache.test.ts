import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PrestageCache } from '../../../src-main/services/prestage/cache';
import { createPrestageFileStore } from '../../../src-main/services/prestage/prestageFileStore';
import { PrestageService } from '../../../src-main/services/prestage/prestageService';
import type { PrestagedEnvironment } from '../../../src-main/services/prestage/types';
import { keyringSealer, type StringCipher } from '../../../src-main/services/secrets/encryptedSecrets';

// safeStorage needs Electron: a keyed AES cipher stands in for the OS keychain (what matters is
// that only the holder of the key can open what was sealed).
function keychain(available = true, backend = 'gnome_libsecret'): StringCipher {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (enc) => {
      const d = createDecipheriv('aes-256-gcm', key, enc.subarray(0, 12));
      d.setAuthTag(enc.subarray(12, 28));
      return Buffer.concat([d.update(enc.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const env: PrestagedEnvironment = {
  environmentId: 7, name: 'shop-7', edgeKey: 'JOIN-TOKEN-SEVEN', edgeId: 'e7', serverUrl: 'https://p', portainerUrl: 'https://p', tunnelAddress: 'p:8000',
  fingerprint: 'SHA256:x', agentVersion: '2.23.0', insecurePoll: true, agentSecret: 'AGENT-SECRET-SEVEN', platform: 'standalone', createdAt: '2025-01-01T00:00:00Z', lastConfirmedWithServer: '2025-01-01T00:00:00Z',
};
const dir = mkdtempSync(join(tmpdir(), 'edt-sealed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prestage cache in the desktop app: join tokens sealed by the OS keychain', () => {
  it('the file holds no join token or agent secret; the app reads them back', () => {
    const store = createPrestageFileStore(join(dir, 'a'));
    const sealer = keyringSealer(keychain(), 'linux')!;
    new PrestageCache(store, sealer).putMany([env]);
    const text = readFileSync(join(dir, 'a', 'prestage.json'), 'utf8');
    expect(text).not.toMatch(/JOIN-TOKEN-SEVEN|AGENT-SECRET-SEVEN/);
    expect(text).toMatch(/os-keychain:/);
    expect(new PrestageCache(store, sealer).get('https://p', 7)).toEqual(env);
  });

  it('a process without that keychain (the CLI) gets a clear error for an offline export, not a blank token', () => {
    const store = createPrestageFileStore(join(dir, 'b'));
    new PrestageCache(store, keyringSealer(keychain(), 'linux')).putMany([env]);
    const cli = new PrestageCache(store);
    expect(cli.isSealedAway('https://p', 7)).toBe(true);
    const service = new PrestageService({ cache: cli });
    expect(() => service.loadFromCache('https://p', [7])).toThrow(/keeps its join token in the desktop app's OS keychain.*export it from the Edgedeck app, or while https:\/\/p is reachable/);
  });

  it('no sealing where the keychain protects nothing (no encryption; Linux basic_text): plain in the 0600 file, as the CLI keeps it', () => {
    expect(keyringSealer(keychain(false), 'linux')).toBeUndefined();
    expect(keyringSealer(keychain(true, 'basic_text'), 'linux')).toBeUndefined();
    expect(keyringSealer(keychain(true, 'basic_text'), 'darwin')).toBeDefined();
  });
});
