import type { KeyValueStore } from '../stores/keyValueStore';
import type { SecretStore } from './secretStore';

/** The part of Electron's safeStorage this store needs (injected, so it runs and tests under plain Node). */
export interface StringCipher {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'basic_text' means a hard-coded key, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const PREFIX = 'secrets.';

/** What the OS keyring offers: real encryption, none, or Linux's 'basic_text' (a hard-coded key). */
function keyringProtection(cipher: StringCipher, platform: string): 'real' | 'none' | 'basic_text' {
  if (!safe(() => cipher.isEncryptionAvailable(), false)) return 'none';
  const backend = platform === 'linux' && cipher.getSelectedStorageBackend ? safe(() => cipher.getSelectedStorageBackend!(), 'unknown') : undefined;
  return backend === 'basic_text' ? 'basic_text' : 'real';
}

/** Encrypts short secrets for a store that must keep them (the prestage cache), and opens them again. */
export interface SecretSealer {
  seal(plain: string): string;
  /** undefined when the value cannot be decrypted here (another user, keyring or machine). */
  open(sealed: string): string | undefined;
}

/**
 * A sealer over the OS keyring, or undefined where it gives no real protection (no encryption,
 * or Linux's 'basic_text' with its well-known key): then nothing is gained by sealing.
 */
export function keyringSealer(cipher: StringCipher, platform: string = process.platform): SecretSealer | undefined {
  if (keyringProtection(cipher, platform) !== 'real') return undefined;
  return {
    seal: (plain) => cipher.encryptString(plain).toString('base64'),
    open: (sealed) => safe(() => cipher.decryptString(Buffer.from(sealed, 'base64')), undefined),
  };
}

/**
 * Secrets encrypted by the OS keyring (through the cipher) and stored as base64 in a
 * KeyValueStore. When the OS offers no real encryption, it keeps everything in memory instead
 * and says so in `warning`: a password in a file protected by a well-known key is not remembered.
 */
export class EncryptedSecrets implements SecretStore {
  private readonly session = new Map<string, string>();
  readonly persistent: boolean;
  readonly warning?: string;

  constructor(
    private readonly store: KeyValueStore,
    private readonly cipher: StringCipher,
    platform: string = process.platform,
  ) {
    const protection = keyringProtection(cipher, platform);
    if (protection === 'none') {
      this.persistent = false;
      this.warning = 'This system offers no encryption for stored secrets, so passwords and API keys are kept in memory for this session only.';
    } else if (protection === 'basic_text') {
      this.persistent = false;
      this.warning =
        'No desktop keyring (GNOME Keyring or KWallet) is available, so secrets could only be stored with a fixed, well-known key; passwords and API keys are kept in memory for this session only.';
    } else {
      this.persistent = true;
    }
  }

  async get(key: string): Promise<string | undefined> {
    const held = this.session.get(key);
    if (held !== undefined) return held;
    if (!this.persistent) return undefined;
    const stored = this.store.get<string>(PREFIX + key);
    if (typeof stored !== 'string') return undefined;
    try {
      const plain = this.cipher.decryptString(Buffer.from(stored, 'base64'));
      this.session.set(key, plain);
      return plain;
    } catch {
      // Encrypted under another user or keyring: unusable, forget it.
      this.store.delete(PREFIX + key);
      return undefined;
    }
  }

  async set(key: string, value: string, remember: boolean): Promise<void> {
    this.session.set(key, value);
    if (remember && this.persistent) this.store.set(PREFIX + key, this.cipher.encryptString(value).toString('base64'));
    else this.store.delete(PREFIX + key);
  }

  async delete(key: string): Promise<void> {
    this.session.delete(key);
    this.store.delete(PREFIX + key);
  }

  async isRemembered(key: string): Promise<boolean> {
    return this.persistent && typeof this.store.get(PREFIX + key) === 'string';
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
