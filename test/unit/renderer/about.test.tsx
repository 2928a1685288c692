// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { AboutSection } from '../../../src-renderer/features/servers/AboutSection';
import { render, useFakeApi, waitFor, type Rendered } from './harness';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe('Settings → About', () => {
  it('shows the version app:info reports', async () => {
    const transport = useFakeApi();
    transport.override('app:info', { ok: true, data: { name: 'Edgedeck', version: '9.8.7-test', transport: 'web' } });
    view = await render(<AboutSection />);
    await waitFor(() => expect(view!.container.querySelector('[data-testid="app-version"]')?.textContent).toBe('9.8.7-test'));
    expect(transport.log.map((c) => c.channel)).toContain('app:info');
  });
});
