// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { Inspector } from '../../../src-renderer/features/inspector/Inspector';
import { useInspector } from '../../../src-renderer/features/inspector/inspectorStore';
import { click, errorOf, inputByLabel, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// A SHA-256 fingerprint as Portainer 2.19+ writes it: base64 of 32 bytes, with padding.
const SHA256_FP = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';

let transport: FakeTransport;
let view: Rendered;

beforeEach(() => {
  transport = useFakeApi();
  useInspector.setState(useInspector.getInitialState(), true);
});
afterEach(() => view?.unmount());

const q = (id: string) => view.container.querySelector(`[data-testid="${id}"]`);

describe('Join-token inspector', () => {
  it('decodes a pasted key and shows its fields', async () => {
    const key = encodeEdgeKey({
      portainerUrl: 'https://portainer.example.com:9443',
      tunnelAddress: 'portainer.example.com:8000',
      tunnelFingerprint: SHA256_FP,
      environmentId: 7,
    });
    view = await render(<Inspector />);
    await typeInto(q('inspector-input'), key);

    const table = await waitFor(() => {
      const t = q('inspector-fields');
      expect(t).not.toBeNull();
      return t!;
    });
    const rows = Object.fromEntries([...table.querySelectorAll('tr')].map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
    expect(rows['Portainer URL']).toBe('https://portainer.example.com:9443');
    expect(rows['Tunnel address']).toBe('portainer.example.com:8000');
    expect(rows['Tunnel fingerprint']).toContain(SHA256_FP);
    expect(rows['Tunnel fingerprint']).toContain('SHA-256');
    expect(rows['Environment ID']).toBe('7');
    expect(rows['Global key']).toBe('No');
    expect(q('inspector-error')).toBeNull();
    // A public https URL with a SHA-256 fingerprint draws no warnings.
    expect(view.container.querySelectorAll('[data-testid="inspector-warning"]')).toHaveLength(0);
  });

  it('shows the warnings of a risky key, with the field they concern', async () => {
    const key = encodeEdgeKey({ portainerUrl: 'http://192.168.1.10:9000/', tunnelAddress: '192.168.1.10:8000', tunnelFingerprint: '', environmentId: 0 });
    view = await render(<Inspector />);
    await typeInto(q('inspector-input'), key);

    const warnings = await waitFor(() => {
      const found = [...view.container.querySelectorAll('[data-testid="inspector-warning"]')];
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    const texts = warnings.map((w) => w.textContent ?? '');
    expect(texts.some((t) => t.startsWith('Portainer URL') && t.includes('http'))).toBe(true);
    expect(warnings.some((w) => w.getAttribute('data-level') === 'warn')).toBe(true);
    const globalRow = [...q('inspector-fields')!.querySelectorAll('tr')].find((tr) => tr.querySelector('th')!.textContent === 'Global key');
    expect(globalRow?.querySelector('td')?.textContent).toMatch(/^Yes/);
  });

  it('shows an invalid key error inline under the textarea, without crashing', async () => {
    view = await render(<Inspector />);
    await typeInto(q('inspector-input'), 'bm90IGEga2V5'); // base64 of "not a key": no 4 fields

    const error = await waitFor(() => {
      const e = q('inspector-error');
      expect(e).not.toBeNull();
      return e!;
    });
    expect(error.textContent!.length).toBeGreaterThan(10);
    const textarea = q('inspector-input')!;
    expect(textarea.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(textarea)).toBe(error.textContent);
    expect(q('inspector-fields')).toBeNull();

    // Fixing the key clears the error.
    await typeInto(textarea, encodeEdgeKey({ portainerUrl: 'https://p.example.com', tunnelAddress: 'p.example.com:8000', tunnelFingerprint: SHA256_FP, environmentId: 3 }));
    await waitFor(() => expect(q('inspector-fields')).not.toBeNull());
    expect(q('inspector-error')).toBeNull();
  });

  it('decodes once per pause in typing (debounced), not per keystroke', async () => {
    view = await render(<Inspector />);
    const key = encodeEdgeKey({ portainerUrl: 'https://p.example.com', tunnelAddress: 'p.example.com:8000', tunnelFingerprint: SHA256_FP, environmentId: 3 });
    for (let i = 10; i <= key.length; i += 10) await typeInto(q('inspector-input'), key.slice(0, i));
    await typeInto(q('inspector-input'), key);
    await waitFor(() => expect(q('inspector-fields')).not.toBeNull());
    expect(transport.log.filter((c) => c.channel === 'key:decode')).toHaveLength(1);
  });

  it('builds a key from fields and offers it for copying', async () => {
    view = await render(<Inspector />);
    await typeInto(inputByLabel(view.container, 'Portainer URL'), 'https://portainer.example.com:9443');
    await typeInto(inputByLabel(view.container, 'Tunnel address'), 'tunnel.example.com:8000');
    await typeInto(inputByLabel(view.container, 'Tunnel fingerprint'), SHA256_FP);
    await click([...view.container.querySelectorAll('button')].find((b) => b.textContent === 'Build key')!);

    const field = await waitFor(() => {
      const f = q('encoded-key') as HTMLInputElement | null;
      expect(f?.value).toBeTruthy();
      return f!;
    });
    expect(field.value).toBe(
      encodeEdgeKey({ portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'tunnel.example.com:8000', tunnelFingerprint: SHA256_FP, environmentId: 1 }),
    );
    expect(view.container.querySelector('button[aria-label="Copy join token"]')).not.toBeNull();
  });

  it('shows an encode error on the field it names', async () => {
    view = await render(<Inspector />);
    await typeInto(inputByLabel(view.container, 'Portainer URL'), 'https://portainer.example.com:9443');
    await click([...view.container.querySelectorAll('button')].find((b) => b.textContent === 'Build key')!);
    const tunnel = inputByLabel(view.container, 'Tunnel address');
    await waitFor(() => expect(errorOf(tunnel)).toMatch(/tunnel address/i));
    expect(errorOf(inputByLabel(view.container, 'Portainer URL'))).toBeUndefined();
  });
});
