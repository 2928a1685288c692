import { safeStorage } from 'electron';
import { EncryptedSecrets, keyringSealer, type SecretSealer, type StringCipher } from '../services/secrets/encryptedSecrets';
import type { SecretStore } from '../services/secrets/secretStore';
import type { KeyValueStore } from '../services/stores/keyValueStore';

/**
 * Secrets for the Electron app: encrypted with safeStorage (Keychain, DPAPI, libsecret/kwallet)
 * and kept as base64 in `store`. Call after app 'ready' (safeStorage needs it on Linux).
 * Falls back to memory only, with a warning, when encryption is missing or is Linux 'basic_text'.
 */
export function createSafeStorageSecrets(store: KeyValueStore): SecretStore {
  return new EncryptedSecrets(store, safeStorageCipher);
}

/** Electron's safeStorage as the services' cipher. */
export const safeStorageCipher: StringCipher = {
  isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
  getSelectedStorageBackend: () => safeStorage.getSelectedStorageBackend(),
  encryptString: (plain) => safeStorage.encryptString(plain),
  decryptString: (encrypted) => safeStorage.decryptString(encrypted),
};

/** Join tokens the prestage cache must keep, sealed by the OS keychain (undefined where it gives no real protection). */
export function createSafeStorageSealer(): SecretSealer | undefined {
  return keyringSealer(safeStorageCipher);
}
