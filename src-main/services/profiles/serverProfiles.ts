import { randomUUID } from 'node:crypto';
import { AppError, invalidInput } from '../../shared/contract/errors';
import type { ServerProfileView, ServerVersionView } from '../../shared/schemas/portainer';
import type { Logger } from '../logging/logger';
import { silentLogger } from '../logging/logger';
import type { Redactor } from '../logging/redact';
import { PortainerClient, type Credentials, type PortainerClientOptions } from '../portainer/client';
import { normaliseSha256 } from '../portainer/fingerprint';
import type { TlsMode, TlsSettings } from '../portainer/tls';
import { normaliseBaseUrl } from '../portainer/url';
import type { SecretStore } from '../secrets/secretStore';
import type { KeyValueStore } from '../stores/keyValueStore';
import { EdgeIdMemory } from './edgeIds';

export interface ProfileInput {
  name: string;
  url: string;
  auth: 'password' | 'apiKey';
  username?: string;
  tls: { mode: TlsMode; pinnedSha256?: string };
  rememberSecret: boolean;
}

/** A saved profile: what the user entered, its id, and whether Edgedeck made it (the local server's). */
export interface ServerProfile extends ProfileInput {
  id: string;
  builtIn?: boolean;
}

/** A built-in profile logs in with a username and password, or (the embedded server) an API key. */
export type BuiltInProfileInput = {
  id: string;
  name: string;
  url: string;
  tls: { mode: TlsMode; pinnedSha256?: string };
} & ({ username: string; password: string } | { apiKey: string });

export interface Connection {
  profile: ServerProfile;
  client: PortainerClient;
  /** Filled by the first successful version lookup. */
  server?: ServerVersionView;
}

export interface ServerProfilesDeps {
  store: KeyValueStore;
  secrets: SecretStore;
  redactor?: Redactor;
  logger?: Logger;
  /** Extra client options (timeouts in tests). */
  clientOptions?: Partial<PortainerClientOptions>;
}

const PROFILES_KEY = 'portainer.profiles';
const ACTIVE_KEY = 'portainer.activeProfile';
const secretKey = (id: string) => `portainer.${id}`;

/** Checks and normalises the connection part of a profile (URL, TLS, auth fields). */
export function normaliseProfileInput(input: ProfileInput): ProfileInput {
  const url = normaliseBaseUrl(input.url);
  const name = input.name.trim();
  if (!name) throw invalidInput('name', 'Give the server a name.');
  const tls: TlsSettings = { mode: input.tls.mode };
  if (input.tls.mode === 'pinned') tls.pinnedSha256 = normaliseSha256(input.tls.pinnedSha256 ?? '', 'tls.pinnedSha256');
  if (input.tls.mode !== 'system' && url.startsWith('http:')) {
    throw invalidInput('tls.mode', 'The address uses http://, so there is no certificate to pin or skip; use "system", or switch the address to https://.');
  }
  const out: ProfileInput = { name, url, auth: input.auth, tls, rememberSecret: input.rememberSecret };
  if (input.auth === 'password') {
    const username = input.username?.trim();
    if (!username) throw invalidInput('username', 'Enter the Portainer username.');
    out.username = username;
  }
  return out;
}

export function credentialsFor(auth: 'password' | 'apiKey', username: string | undefined, secret: string): Credentials {
  return auth === 'apiKey' ? { kind: 'apiKey', apiKey: secret } : { kind: 'password', username: username ?? '', password: secret };
}

/**
 * The Portainer servers the user works with: stored profiles plus built-in ones (the embedded
 * local server), the active choice, the per-profile connection (client + JWT) cache and the
 * per-environment Edge ID memory.
 */
export class ServerProfiles {
  private readonly builtIns = new Map<string, ServerProfile>();
  private readonly connections = new Map<string, Connection>();
  readonly edgeIds: EdgeIdMemory;
  readonly secrets: SecretStore;
  private readonly logger: Logger;

  constructor(private readonly deps: ServerProfilesDeps) {
    this.edgeIds = new EdgeIdMemory(deps.store);
    this.secrets = deps.secrets;
    this.logger = deps.logger ?? silentLogger;
  }

  private stored(): ServerProfile[] {
    const list = this.deps.store.get<ServerProfile[]>(PROFILES_KEY);
    return Array.isArray(list) ? list : [];
  }

  private saveStored(list: ServerProfile[]): void {
    this.deps.store.set(PROFILES_KEY, list);
  }

  list(): ServerProfile[] {
    return [...this.builtIns.values(), ...this.stored()];
  }

  find(id: string): ServerProfile | undefined {
    return this.builtIns.get(id) ?? this.stored().find((p) => p.id === id);
  }

  get(id: string): ServerProfile {
    const p = this.find(id);
    if (!p) throw new AppError('not_found', `There is no server profile "${id}".`, 'id');
    return p;
  }

  findByName(name: string): ServerProfile | undefined {
    const n = name.trim().toLowerCase();
    return this.list().find((p) => p.name.toLowerCase() === n);
  }

  activeId(): string | undefined {
    const id = this.deps.store.get<string>(ACTIVE_KEY);
    if (id && this.find(id)) return id;
    return this.builtIns.keys().next().value ?? this.stored()[0]?.id;
  }

  active(): ServerProfile | undefined {
    const id = this.activeId();
    return id ? this.find(id) : undefined;
  }

  select(id: string): ServerProfile {
    const p = this.get(id);
    this.deps.store.set(ACTIVE_KEY, id);
    return p;
  }

  /** Registers (or replaces) a profile for the embedded local server; its secret stays in memory. */
  async registerBuiltIn(input: BuiltInProfileInput): Promise<ServerProfile> {
    const auth = 'apiKey' in input ? 'apiKey' : 'password';
    const secret = 'apiKey' in input ? input.apiKey : input.password;
    const n = normaliseProfileInput({ name: input.name, url: input.url, tls: input.tls, auth, ...('username' in input ? { username: input.username } : {}), rememberSecret: false });
    const profile: ServerProfile = { id: input.id, name: n.name, url: n.url, auth, ...(n.username ? { username: n.username } : {}), tls: n.tls, rememberSecret: false, builtIn: true };
    this.builtIns.set(input.id, profile);
    this.deps.redactor?.add(secret);
    await this.secrets.set(secretKey(input.id), secret, false);
    await this.dropConnection(input.id);
    return profile;
  }

  /**
   * A profile that lives for this process only (the CLI's --server): not stored, secret in memory.
   * Its Edge ID memory is still kept in the store under its id.
   */
  async registerEphemeral(input: ProfileInput & { id: string }, secret: string): Promise<ServerProfile> {
    const n = normaliseProfileInput({ ...input, rememberSecret: false });
    const profile: ServerProfile = { id: input.id, ...n, rememberSecret: false, builtIn: true };
    this.builtIns.set(input.id, profile);
    this.deps.redactor?.add(secret);
    await this.secrets.set(secretKey(input.id), secret, false);
    await this.dropConnection(input.id);
    return profile;
  }

  async unregisterBuiltIn(id: string): Promise<void> {
    if (!this.builtIns.delete(id)) return;
    await this.secrets.delete(secretKey(id));
    await this.dropConnection(id);
  }

  private assertUniqueName(name: string, exceptId?: string): void {
    const clash = this.list().find((p) => p.id !== exceptId && p.name.toLowerCase() === name.toLowerCase());
    if (clash) throw new AppError('conflict', `A server named "${clash.name}" exists already; choose another name.`, 'name');
  }

  /** Stores a new profile (callers validate it by connecting first, see `connectDraft`). */
  async add(input: ProfileInput, secret: string | undefined): Promise<ServerProfile> {
    const n = normaliseProfileInput(input);
    this.assertUniqueName(n.name);
    const profile: ServerProfile = { id: randomUUID(), ...n };
    if (secret) {
      this.deps.redactor?.add(secret);
      await this.secrets.set(secretKey(profile.id), secret, n.rememberSecret);
    }
    this.saveStored([...this.stored(), profile]);
    return profile;
  }

  async update(id: string, patch: Partial<ProfileInput>, secret?: string): Promise<ServerProfile> {
    const current = this.get(id);
    if (current.builtIn) throw new AppError('unsupported', 'The built-in local server profile cannot be changed.', 'id');
    const merged: ProfileInput = {
      name: patch.name ?? current.name,
      url: patch.url ?? current.url,
      auth: patch.auth ?? current.auth,
      username: patch.username ?? current.username,
      tls: patch.tls ?? current.tls,
      rememberSecret: patch.rememberSecret ?? current.rememberSecret,
    };
    const n = normaliseProfileInput(merged);
    this.assertUniqueName(n.name, id);
    const next: ServerProfile = { id, ...n };
    const key = secretKey(id);
    const changedIdentity = next.url !== current.url || next.auth !== current.auth || next.username !== current.username;
    if (secret) {
      this.deps.redactor?.add(secret);
      await this.secrets.set(key, secret, n.rememberSecret);
    } else if (changedIdentity) {
      await this.secrets.delete(key);
    } else if (n.rememberSecret !== current.rememberSecret) {
      const held = await this.secrets.get(key);
      if (held) await this.secrets.set(key, held, n.rememberSecret);
    }
    this.saveStored(this.stored().map((p) => (p.id === id ? next : p)));
    await this.dropConnection(id);
    return next;
  }

  async remove(id: string): Promise<void> {
    const p = this.get(id);
    if (p.builtIn) throw new AppError('unsupported', 'The built-in local server profile goes away when the local server stops; it cannot be removed.', 'id');
    this.saveStored(this.stored().filter((x) => x.id !== id));
    await this.secrets.delete(secretKey(id));
    this.edgeIds.forgetScope(id);
    if (this.deps.store.get<string>(ACTIVE_KEY) === id) this.deps.store.delete(ACTIVE_KEY);
    await this.dropConnection(id);
  }

  /** Supplies the password/API key for this session (and remembers it when the profile says so). */
  async provideSecret(id: string, secret: string): Promise<void> {
    const p = this.get(id);
    this.deps.redactor?.add(secret);
    await this.secrets.set(secretKey(id), secret, p.rememberSecret && !p.builtIn);
    await this.dropConnection(id);
  }

  async secretState(p: ServerProfile): Promise<ServerProfileView['secret']> {
    if (await this.secrets.isRemembered(secretKey(p.id))) return 'remembered';
    return (await this.secrets.get(secretKey(p.id))) ? 'session' : 'missing';
  }

  async view(p: ServerProfile): Promise<ServerProfileView> {
    const warnings: string[] = [];
    if (p.tls.mode === 'insecure') warnings.push('Certificate verification is OFF for this server: anyone on the network path could read the password and change answers.');
    if (p.url.startsWith('http:')) warnings.push('This server is reached over plain http: the password or API key travels unencrypted.');
    if (p.rememberSecret && !this.secrets.persistent && this.secrets.warning) warnings.push(this.secrets.warning);
    const view: ServerProfileView = {
      id: p.id,
      name: p.name,
      url: p.url,
      auth: p.auth,
      tls: p.tls.pinnedSha256 ? { mode: p.tls.mode, pinnedSha256: p.tls.pinnedSha256 } : { mode: p.tls.mode },
      rememberSecret: p.rememberSecret,
      builtIn: p.builtIn === true,
      active: this.activeId() === p.id,
      insecure: p.tls.mode === 'insecure',
      secret: await this.secretState(p),
      warnings,
    };
    if (p.username) view.username = p.username;
    return view;
  }

  /** A client for a profile that is not stored yet (validation before add/update). */
  connectDraft(input: ProfileInput, secret: string): PortainerClient {
    const n = normaliseProfileInput(input);
    this.deps.redactor?.add(secret);
    return new PortainerClient({
      ...this.deps.clientOptions,
      url: n.url,
      tls: n.tls,
      credentials: credentialsFor(n.auth, n.username, secret),
      logger: this.logger,
      redactor: this.deps.redactor,
    });
  }

  /** Keeps a client that was just validated (logged in) as the profile's connection: no second login. */
  async adopt(id: string, client: PortainerClient, server?: ServerVersionView): Promise<void> {
    const profile = this.get(id);
    await this.dropConnection(id);
    const connection: Connection = server ? { profile, client, server } : { profile, client };
    this.connections.set(id, connection);
  }

  /** The cached connection of a profile (the active one by default). */
  async connection(id?: string): Promise<Connection> {
    const profileId = id ?? this.activeId();
    if (!profileId) throw new AppError('not_found', 'No Portainer server is set up yet: add one first.', 'server');
    const cached = this.connections.get(profileId);
    if (cached) return cached;
    const profile = this.get(profileId);
    const secret = await this.secrets.get(secretKey(profileId));
    if (!secret) {
      throw new AppError(
        'unauthorized',
        `Enter the ${profile.auth === 'apiKey' ? 'API key' : 'password'} for "${profile.name}": it is not remembered${this.secrets.persistent ? '' : ' on this system'}.`,
        profile.auth === 'apiKey' ? 'apiKey' : 'password',
      );
    }
    const client = new PortainerClient({
      ...this.deps.clientOptions,
      url: profile.url,
      tls: profile.tls,
      credentials: credentialsFor(profile.auth, profile.username, secret),
      logger: this.logger,
      redactor: this.deps.redactor,
    });
    const connection: Connection = { profile, client };
    this.connections.set(profileId, connection);
    return connection;
  }

  /** The connection and its server version, fetched once per connection. */
  async connectionWithVersion(id?: string, signal?: AbortSignal): Promise<Connection & { server: ServerVersionView }> {
    const c = await this.connection(id);
    c.server ??= await c.client.version(signal);
    return c as Connection & { server: ServerVersionView };
  }

  async dropConnection(id: string): Promise<void> {
    const c = this.connections.get(id);
    this.connections.delete(id);
    if (c) await c.client.close();
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.client.close()));
  }
}
