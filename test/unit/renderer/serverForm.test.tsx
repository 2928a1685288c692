// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerProfileView } from '../../../src-main/shared/schemas/portainer';
import { ServerFormModal } from '../../../src-renderer/features/servers/ServerFormModal';
import { useServerForm } from '../../../src-renderer/features/servers/serverFormStore';
import { resetServers, useServers } from '../../../src-renderer/features/servers/serversStore';
import { click, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// Issue #11 items 14 and 17: the add-server form offers https:// for an http:// address on a TLS
// port, offers "remember the password" only where it can be done, and asks (then says) which
// server becomes active, with a one-click way back.

const profile = (patch: Partial<ServerProfileView>): ServerProfileView => ({
  id: 'local',
  name: 'Local simulator',
  url: 'https://127.0.0.1:9443',
  auth: 'password',
  username: 'admin',
  tls: { mode: 'insecure' },
  rememberSecret: false,
  builtIn: true,
  active: true,
  insecure: true,
  secret: 'session',
  warnings: [],
  ...patch,
});

const local = profile({});
const added = profile({ id: 'p2', name: 'Branch', url: 'https://branch.example.com:30443', builtIn: false, insecure: false, tls: { mode: 'system' } });
const status = (p: ServerProfileView) => ({ profile: p, connected: true, version: '2.23.0', insecure: p.insecure, warnings: [] });

let transport: FakeTransport;
let view: Rendered | undefined;
const q = (id: string) => document.body.querySelector(`[data-testid="${id}"]`);
const payloads = (channel: string) => transport.log.filter((c) => c.channel === channel).map((c) => c.payload as Record<string, unknown>);

function listWith(persistent: boolean, profiles: ServerProfileView[], activeId: string) {
  transport.override('servers:list', { ok: true, data: { profiles, activeId, secretsPersistent: persistent, ...(persistent ? {} : { secretsWarning: 'Passwords and API keys are kept in memory for this session only.' }) } });
}

beforeEach(async () => {
  transport = useFakeApi();
  resetServers();
  useServerForm.getState().close();
  transport.override('servers:status', { ok: true, data: status(local) });
  transport.override('servers:select', (p) => ({ ok: true, data: status((p as { id: string }).id === 'local' ? local : added) }));
  transport.override('servers:probe', (p) => {
    const url = (p as { url: string }).url;
    return url.startsWith('http://')
      ? { ok: true, data: { url, https: false, certificate: null, warnings: ['This address uses http://: the password or API key would travel unencrypted.'], httpsSuggestion: { url: url.replace('http://', 'https://'), reason: 'tls-answered', message: 'Port 30443 answered a TLS handshake: the server speaks HTTPS there, so http:// cannot work. Use https://branch.example.com:30443.' } } }
      : { ok: true, data: { url, https: true, certificate: null, portainerVersion: '2.23.0', warnings: [] } };
  });
  transport.override('servers:add', (p) => ({ ok: true, data: { profile: { ...added, active: (p as { select: boolean }).select }, server: { version: '2.23.0' } } }));
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function openAt(persistent: boolean): Promise<void> {
  listWith(persistent, [local], 'local');
  await act(async () => useServers.getState().load());
  view = await render(<ServerFormModal />);
  await act(async () => useServerForm.getState().openAdd());
}

async function toAuthStep(): Promise<void> {
  await typeInto(q('server-form-url'), 'https://branch.example.com:30443');
  await click(q('server-form-probe'));
  await waitFor(() => expect(q('server-form-password')).not.toBeNull());
}

describe('add-server form', () => {
  it('http:// on a TLS port: says so and fixes it in one click', async () => {
    await openAt(true);
    await typeInto(q('server-form-url'), 'http://branch.example.com:30443');
    await click(q('server-form-probe'));
    await waitFor(() => expect(document.body.textContent).toContain('Port 30443 answered a TLS handshake'));
    expect(q('server-form-use-https')?.textContent).toBe('Use https://branch.example.com:30443');
    await click(q('server-form-use-https'));
    await waitFor(() => expect(q('server-form-password')).not.toBeNull());
    expect(payloads('servers:probe').map((p) => p.url)).toEqual(['http://branch.example.com:30443', 'https://branch.example.com:30443']);
  });

  it('a server that does not answer like Portainer: the URL field says what it answered (versionError), not another warning', async () => {
    transport.override('servers:probe', (p) => ({
      ok: true,
      data: { url: (p as { url: string }).url, https: false, certificate: null, warnings: ['This address uses http://: the password or API key would travel unencrypted.'], versionError: 'The server answered 404 Not Found at /api/system/status.' },
    }));
    await openAt(true);
    await typeInto(q('server-form-url'), 'http://branch.example.com:8080');
    await click(q('server-form-probe'));
    await waitFor(() => expect(document.body.textContent).toContain('The server answered 404 Not Found at /api/system/status.'));
    expect(q('server-form-password')).toBeNull();
  });

  it('offers "remember" only where secrets can be remembered', async () => {
    await openAt(false);
    await toAuthStep();
    expect(q('server-form-remember')).toBeNull();
    expect(q('server-form-session-only')?.textContent).toContain('kept for this session only');
    view!.unmount();
    view = undefined;
    await openAt(true);
    await toAuthStep();
    expect(q('server-form-remember')).not.toBeNull();
  });

  it('asks whether the new server becomes active, says so after, and switches back in one click', async () => {
    await openAt(true);
    await toAuthStep();
    expect((q('server-form-activate') as HTMLInputElement).checked).toBe(true);
    await typeInto(q('server-form-password'), 'pw-1');
    listWith(true, [local, { ...added, active: true }], 'p2');
    await click(q('server-form-submit'));
    await waitFor(() => expect(q('server-form-active-note')?.textContent).toContain('Branch is now the active server, in place of Local simulator.'));
    expect(payloads('servers:add')[0]).toMatchObject({ select: true });
    listWith(true, [local, added], 'local');
    await click(q('server-form-switch-back'));
    await waitFor(() => expect(payloads('servers:select').at(-1)).toEqual({ id: 'local' }));
    await waitFor(() => expect(q('server-form-active-note')?.textContent).toContain('The active server is still Local simulator.'));
  });

  it('leaves the active server alone when asked to', async () => {
    await openAt(true);
    await toAuthStep();
    await click(q('server-form-activate'));
    await typeInto(q('server-form-password'), 'pw-1');
    await click(q('server-form-submit'));
    await waitFor(() => expect(q('server-form-active-note')?.textContent).toContain('The active server is still Local simulator.'));
    expect(payloads('servers:add')[0]).toMatchObject({ select: false });
    expect(q('server-form-use-now')?.textContent).toBe('Use Branch now');
  });
});
