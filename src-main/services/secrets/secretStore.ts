/**
 * Where passwords and API keys live. `set(key, value, remember)` keeps the value for this session
 * and, only when `remember` is true and the store is `persistent`, also encrypted on disk.
 */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, remember: boolean): Promise<void>;
  delete(key: string): Promise<void>;
  /** True when remembered secrets survive a restart. */
  readonly persistent: boolean;
  /** Shown to the user when secrets cannot be remembered safely. */
  readonly warning?: string;
  /** Whether `key` is remembered on disk (false for session-only secrets). */
  isRemembered(key: string): Promise<boolean>;
}

export const MEMORY_ONLY_WARNING = 'Passwords and API keys are kept in memory for this session only; you will be asked again after a restart.';

/** Serve mode, the CLI and tests: nothing touches the disk. */
export class MemoryOnlySecrets implements SecretStore {
  private readonly values = new Map<string, string>();
  readonly persistent = false;
  readonly warning: string;

  constructor(warning: string = MEMORY_ONLY_WARNING) {
    this.warning = warning;
  }

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async set(key: string, value: string, _remember = false): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  async isRemembered(_key?: string): Promise<boolean> {
    return false;
  }
}
