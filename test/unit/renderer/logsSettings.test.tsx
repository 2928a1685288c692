// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { LogsSettings } from '../../../src-renderer/features/servers/LogsSettings';
import { click, render, useFakeApi, waitFor, type Rendered } from './harness';

let view: Rendered;
afterEach(() => view?.unmount());

describe('Settings → Logs', () => {
  it("names this session's log file and opens the folder through app:openLogFolder", async () => {
    const t = useFakeApi();
    const logs = { folder: '/home/u/.config/edgedeck/logs', file: '/home/u/.config/edgedeck/logs/main-20260101-000000-1.log' };
    t.override('app:logs', { ok: true, data: logs });
    t.override('app:openLogFolder', { ok: true, data: { ...logs, opened: true } });
    view = await render(<LogsSettings />);
    await waitFor(() => expect(view.container.querySelector('[data-testid="log-file"]')?.textContent).toBe(logs.file));
    await click(view.container.querySelector('[data-testid="open-log-folder"]'));
    await waitFor(() => expect(t.log.map((c) => c.channel)).toContain('app:openLogFolder'));
    expect(view.container.querySelector('[data-testid="logs-problem"]')).toBeNull();
  });

  it('says where the folder is when it could not be shown (no desktop)', async () => {
    const t = useFakeApi();
    t.override('app:logs', { ok: true, data: { folder: '/l' } });
    t.override('app:openLogFolder', { ok: true, data: { folder: '/l', opened: false, reason: 'There is no desktop here to show the folder on; open the path yourself.' } });
    view = await render(<LogsSettings />);
    await waitFor(() => expect(view.container.querySelector('[data-testid="open-log-folder"]')?.hasAttribute('disabled')).toBe(false));
    await click(view.container.querySelector('[data-testid="open-log-folder"]'));
    await waitFor(() => expect(view.container.querySelector('[data-testid="logs-problem"]')?.textContent).toMatch(/no desktop.*open \/l yourself/));
  });
});
