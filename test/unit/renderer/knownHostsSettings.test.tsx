// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { KnownHostView } from '../../../src-main/shared/schemas/knownHosts';
import { KnownHostsSettings } from '../../../src-renderer/features/knownHosts/KnownHostsSettings';
import { click, render, typeInto, useFakeApi, waitFor, type Rendered } from './harness';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

const app: KnownHostView = { name: '[10.0.0.5]:2222', host: '10.0.0.5', port: 2222, keyType: 'ssh-ed25519', fingerprint: 'SHA256:appKeyFingerprint', addedAt: '2026-12-01T10:00:00.000Z', source: 'app' };
const file: KnownHostView = { name: 'git.example.com', host: 'git.example.com', port: 22, keyType: 'ecdsa-sha2-nistp256', fingerprint: 'SHA256:fileKey', source: 'file', file: '/home/u/.ssh/known_hosts', line: 3 };

// Issue #12 item 5: Settings → SSH known hosts lists the keys, searches them, and forgets
// Edgedeck's own after a confirmation; lines of OpenSSH files are shown read-only.
describe('Settings → SSH known hosts', () => {
  it('lists, searches, and forgets only after confirming', async () => {
    const t = useFakeApi();
    let entries = [app, file];
    t.override('knownHosts:list', () => ({ ok: true, data: { entries, files: ['/home/u/.ssh/known_hosts'] } }));
    t.override('knownHosts:forget', (p) => {
      entries = entries.filter((e) => e !== app);
      return { ok: true, data: { name: (p as { host: string }).host, removed: 1, inFiles: [] } };
    });
    view = await render(<KnownHostsSettings />);
    const rows = () => [...view!.container.querySelectorAll('[data-testid="known-host-row"]')];
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]!.textContent).toContain('10.0.0.5');
    expect(rows()[0]!.textContent).toContain('2222');
    expect(rows()[0]!.textContent).toContain('SHA256:appKeyFingerprint');
    expect(rows()[0]!.textContent).toContain(new Date(app.addedAt!).toLocaleString());
    // A file's line: where it is, no Forget button.
    expect(rows()[1]!.textContent).toContain('/home/u/.ssh/known_hosts:3');
    expect(rows()[1]!.querySelector('[data-testid="forget-host-key"]')).toBeNull();

    await typeInto(view.container.querySelector('[data-testid="known-hosts-search"]'), 'nistp256');
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-name'))).toEqual(['git.example.com']));
    await typeInto(view.container.querySelector('[data-testid="known-hosts-search"]'), '');
    await waitFor(() => expect(rows()).toHaveLength(2));

    await click(rows()[0]!.querySelector('[data-testid="forget-host-key"]'));
    expect(t.log.some((c) => c.channel === 'knownHosts:forget')).toBe(false); // asked first
    expect(view.container.querySelector('[data-testid="forget-host-key-confirm"]')!.textContent).toContain('Forget every key of [10.0.0.5]:2222?');
    await click(view.container.querySelector('[data-testid="forget-host-key-yes"]'));
    expect(t.log.filter((c) => c.channel === 'knownHosts:forget').map((c) => c.payload)).toEqual([{ host: '[10.0.0.5]:2222' }]);
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-name'))).toEqual(['git.example.com']));
  });
});
