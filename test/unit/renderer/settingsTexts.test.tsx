// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPage } from '../../../src-renderer/features/servers/SettingsPage';
import { render, useFakeApi, waitFor, type Rendered } from './harness';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe('Settings texts (issue #11)', () => {
  it('promises no section that is not there ("… come here next")', async () => {
    const transport = useFakeApi();
    transport.override('app:info', { ok: true, data: { name: 'Edgedeck', version: '1.0.0-test', transport: 'web' } });
    view = await render(<SettingsPage />);
    await waitFor(() => expect(view!.container.querySelector('[data-testid="app-version"]')?.textContent).toBe('1.0.0-test'));
    expect(view.container.textContent).not.toMatch(/come here next|more sections later/i);
  });
});
