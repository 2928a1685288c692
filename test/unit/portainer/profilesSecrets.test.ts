import { describe, expect, it } from 'vitest';
import { EdgeIdMemory } from '../../../src-main/services/profiles/edgeIds';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { EncryptedSecrets, type StringCipher } from '../../../src-main/services/secrets/encryptedSecrets';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { Redactor } from '../../../src-main/services/logging/redact';
import { AppError } from '../../../src-main/shared/contract/errors';

const cipher = (backend = 'gnome_libsecret', available = true): StringCipher => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend,
  encryptString: (p) => Buffer.from(`enc:${[...p].reverse().join('')}`),
  decryptString: (b) => [...b.toString().slice(4)].reverse().join(''),
});

describe('EncryptedSecrets', () => {
  it('persists encrypted base64 only when asked to remember', async () => {
    const store = new MemoryStore();
    const s = new EncryptedSecrets(store, cipher(), 'linux');
    expect(s.persistent).toBe(true);
    expect(s.warning).toBeUndefined();
    await s.set('a', 'hunter22', true);
    await s.set('b', 'session-only', false);
    expect(store.get('secrets.a')).toBe(Buffer.from('enc:22retnuh').toString('base64'));
    expect(store.get('secrets.b')).toBeUndefined();
    expect(await s.isRemembered('a')).toBe(true);
    expect(await s.isRemembered('b')).toBe(false);
    const fresh = new EncryptedSecrets(store, cipher(), 'linux');
    expect(await fresh.get('a')).toBe('hunter22');
    expect(await fresh.get('b')).toBeUndefined();
    await fresh.set('a', 'hunter22', false);
    expect(store.get('secrets.a')).toBeUndefined();
    await fresh.delete('a');
    expect(await fresh.get('a')).toBeUndefined();
  });

  it.each([
    ['basic_text', true, /keyring/],
    ['gnome_libsecret', false, /no encryption/],
  ])('backend %s / available %s → memory only, with a warning', async (backend, available, warning) => {
    const store = new MemoryStore();
    const s = new EncryptedSecrets(store, cipher(backend, available), 'linux');
    expect(s.persistent).toBe(false);
    expect(s.warning).toMatch(warning);
    expect(s.warning).toMatch(/memory for this session only/);
    await s.set('a', 'pw-123', true);
    expect(store.get('secrets.a')).toBeUndefined();
    expect(await s.get('a')).toBe('pw-123');
  });

  it('MemoryOnlySecrets warns and never persists', async () => {
    const s = new MemoryOnlySecrets();
    expect(s.persistent).toBe(false);
    expect(s.warning).toMatch(/memory for this session only/);
    await s.set('k', 'v', true);
    expect(await s.get('k')).toBe('v');
    expect(await s.isRemembered('k')).toBe(false);
  });
});

describe('EdgeIdMemory', () => {
  it('keeps one UUID v4 per environment until the server has one, and forgets on delete', () => {
    const store = new MemoryStore();
    const m = new EdgeIdMemory(store);
    const first = m.edgeIdFor('p1', 5);
    expect(first.source).toBe('generated');
    expect(first.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new EdgeIdMemory(store).edgeIdFor('p1', 5)).toEqual(first);
    expect(m.edgeIdFor('p2', 5).value).not.toBe(first.value);
    expect(m.edgeIdFor('p1', 6).value).not.toBe(first.value);
    expect(m.edgeIdFor('p1', 5, 'bound-id')).toEqual({ value: 'bound-id', source: 'server' });
    // After association is cleared a fresh one is generated (the old device's ID is not reused).
    expect(m.edgeIdFor('p1', 5).value).not.toBe(first.value);
    const kept = m.edgeIdFor('p1', 6);
    m.forget('p1', 6);
    expect(m.edgeIdFor('p1', 6).value).not.toBe(kept.value);
  });
});

describe('ServerProfiles', () => {
  function make() {
    const store = new MemoryStore();
    const secrets = new EncryptedSecrets(store, cipher(), 'linux');
    const redactor = new Redactor();
    return { store, secrets, redactor, profiles: new ServerProfiles({ store, secrets, redactor }) };
  }
  const input = { name: 'Prod', url: 'https://portainer.example.com:9443/api/', auth: 'password' as const, username: 'admin', tls: { mode: 'system' as const }, rememberSecret: false };

  it('adds, lists, edits and removes; remembers the secret only on request; names are unique', async () => {
    const { profiles, store, redactor } = make();
    const p = await profiles.add(input, 'pw-prod-1');
    expect(p.url).toBe('https://portainer.example.com:9443');
    expect(store.get('secrets.portainer.' + p.id)).toBeUndefined();
    expect((await profiles.view(p)).secret).toBe('session');
    expect(redactor.redact('x pw-prod-1 y')).toBe('x [redacted] y');
    await expect(profiles.add(input, 'x')).rejects.toMatchObject({ field: 'name', code: 'conflict' });

    const remembered = await profiles.update(p.id, { rememberSecret: true });
    expect(remembered.rememberSecret).toBe(true);
    expect((await profiles.view(remembered)).secret).toBe('remembered');
    expect(typeof store.get('secrets.portainer.' + p.id)).toBe('string');

    const pinned = await profiles.update(p.id, { tls: { mode: 'pinned', pinnedSha256: 'ab'.repeat(32) } });
    expect(pinned.tls.pinnedSha256).toBe(Array(32).fill('AB').join(':'));
    const insecure = await profiles.update(p.id, { tls: { mode: 'insecure' } });
    const view = await profiles.view(insecure);
    expect(view.insecure).toBe(true);
    expect(view.warnings.join(' ')).toMatch(/verification is OFF/);

    profiles.edgeIds.edgeIdFor(p.id, 3);
    await profiles.remove(p.id);
    expect(profiles.list()).toHaveLength(0);
    expect(store.get('secrets.portainer.' + p.id)).toBeUndefined();
    expect(store.get<Record<string, string>>('portainer.edgeIds')).toEqual({});
  });

  it('validates fields: pinned needs a fingerprint, password auth needs a username, http cannot be pinned', async () => {
    const { profiles } = make();
    await expect(profiles.add({ ...input, tls: { mode: 'pinned' } }, 'x')).rejects.toMatchObject({ field: 'tls.pinnedSha256' });
    await expect(profiles.add({ ...input, username: ' ' }, 'x')).rejects.toMatchObject({ field: 'username' });
    await expect(profiles.add({ ...input, url: 'http://p:9000', tls: { mode: 'insecure' } }, 'x')).rejects.toMatchObject({ field: 'tls.mode' });
    await expect(profiles.add({ ...input, url: 'p:9000' }, 'x')).rejects.toMatchObject({ field: 'url' });
  });

  it('a built-in profile keeps its password in memory, is active by default and cannot be removed', async () => {
    const { profiles, store } = make();
    await profiles.registerBuiltIn({ id: 'local', name: 'Local simulator', url: 'https://127.0.0.1:1234', username: 'admin', password: 'local-pw-1', tls: { mode: 'pinned', pinnedSha256: 'cd'.repeat(32) } });
    expect(profiles.activeId()).toBe('local');
    expect(store.get('portainer.profiles')).toBeUndefined();
    expect(store.get('secrets.portainer.local')).toBeUndefined();
    const v = await profiles.view(profiles.get('local'));
    expect(v).toMatchObject({ builtIn: true, active: true, secret: 'session' });
    await expect(profiles.remove('local')).rejects.toBeInstanceOf(AppError);
    const c1 = await profiles.connection();
    expect(await profiles.connection()).toBe(c1);
  });

  it('a profile without its secret asks for it on the right field', async () => {
    const store = new MemoryStore();
    const first = new ServerProfiles({ store, secrets: new MemoryOnlySecrets() });
    const p = await first.add({ ...input, auth: 'apiKey', username: undefined }, 'ptr_xyz12345');
    const later = new ServerProfiles({ store, secrets: new MemoryOnlySecrets() });
    await expect(later.connection(p.id)).rejects.toMatchObject({ code: 'unauthorized', field: 'apiKey' });
    await later.provideSecret(p.id, 'ptr_xyz12345');
    expect((await later.connection(p.id)).client.authKind).toBe('apiKey');
    await later.close();
  });
});
