// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { buildInstallCommand } from '../../../src-main/shared/domain/installCommands';
import { CommandBuilder } from '../../../src-renderer/features/commands/CommandBuilder';
import { resetCommands, toOptions, useCommands } from '../../../src-renderer/features/commands/commandsStore';
import { click, errorOf, inputByLabel, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

const KEY = encodeEdgeKey({
  portainerUrl: 'https://portainer.example.com:9443',
  tunnelAddress: 'portainer.example.com:8000',
  tunnelFingerprint: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=',
  environmentId: 12,
});
const EDGE_ID = '2f1c3a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

let transport: FakeTransport;
let view: Rendered;

beforeEach(() => {
  transport = useFakeApi();
  resetCommands();
});
afterEach(() => view?.unmount());

const q = (id: string) => view.container.querySelector(`[data-testid="${id}"]`);
const output = () => q('command-output')?.textContent ?? null;
const segmentLabels = (ariaLabel: string) =>
  [...view.container.querySelectorAll(`[aria-label="${ariaLabel}"] label`)].map((l) => l.textContent);
/** The options of the control named by the visible label reading `label` (aria-labelledby). */
const labelledSegments = (label: string) => {
  const named = [...view.container.querySelectorAll('[id]')].find((el) => el.textContent === label);
  return [...view.container.querySelectorAll(`[aria-labelledby="${named?.id}"] label`)].map((l) => l.textContent);
};

describe('Command builder', () => {
  it('shows the exact command the core builds, whitespace included, with a copy button', async () => {
    view = await render(<CommandBuilder />);
    await typeInto(q('command-edge-key'), KEY);
    await typeInto(inputByLabel(view.container, 'Edge ID'), EDGE_ID);

    const expected = buildInstallCommand({ platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: KEY, edgeId: EDGE_ID, insecurePoll: true });
    await waitFor(() => expect(output()).toBe(expected));
    // Portainer's standalone text ends with a newline and two spaces: it must survive rendering.
    expect(output()!.endsWith('\n  ')).toBe(true);
    expect(q('command-output')!.tagName).toBe('PRE');
    expect(output()).toContain(`-e EDGE_ID=${EDGE_ID} \\\n  -e EDGE_KEY=${KEY}`);

    const copy = q('copy-command') as HTMLButtonElement;
    expect(copy).not.toBeNull();
    expect(copy.textContent).toBe('Copy');
    expect(copy.disabled).toBe(false);
  });

  it('shows an error envelope naming edgeId on the Edge ID input, and no command', async () => {
    transport.override('commands:build', {
      ok: false,
      error: { code: 'invalid_input', message: 'The Edge ID is already used by another environment.', field: 'edgeId' },
    });
    view = await render(<CommandBuilder />);
    await typeInto(q('command-edge-key'), KEY);
    await typeInto(inputByLabel(view.container, 'Edge ID'), 'taken-id');

    const edgeId = inputByLabel(view.container, 'Edge ID');
    await waitFor(() => expect(errorOf(edgeId)).toBe('The Edge ID is already used by another environment.'));
    expect(edgeId.getAttribute('aria-invalid')).toBe('true');
    // Only there: not on the key, not as a general alert.
    expect(errorOf(q('command-edge-key')!)).toBeUndefined();
    expect(q('command-error')).toBeNull();
    expect(q('command-output')).toBeNull();
    expect((q('copy-command') as HTMLButtonElement).disabled).toBe(true);
  });

  it('puts the core’s own edgeId error on the Edge ID input when no Edge ID is given', async () => {
    view = await render(<CommandBuilder />);
    await typeInto(q('command-edge-key'), KEY);
    const edgeId = inputByLabel(view.container, 'Edge ID');
    await waitFor(() => expect(errorOf(edgeId)).toMatch(/Edge ID/));
    expect(transport.log.some((c) => c.channel === 'commands:build')).toBe(true);
  });

  it('shows an error without a known field above the output', async () => {
    transport.override('commands:build', { ok: false, error: { code: 'internal', message: 'Something went wrong inside Edgedeck; the details are in its log.' } });
    view = await render(<CommandBuilder />);
    await typeInto(q('command-edge-key'), KEY);
    await waitFor(() => expect(q('command-error')?.textContent).toContain('Something went wrong'));
  });

  it('generates the Edge ID on the device with the generator command', async () => {
    view = await render(<CommandBuilder />);
    await typeInto(q('command-edge-key'), KEY);
    expect(labelledSegments('Where the Edge ID comes from')).toEqual(['Known Edge ID', 'Generate on the device']);
    await click([...view.container.querySelectorAll('label')].find((l) => l.textContent === 'Generate on the device')!);
    expect((inputByLabel(view.container, 'Edge ID generator') as HTMLInputElement).value).toBe('uuidgen');
    await waitFor(() => expect(output()).toMatch(/^PORTAINER_EDGE_ID=\$\(uuidgen\) \n\n/));
    expect(output()).toContain('-e EDGE_ID=$PORTAINER_EDGE_ID');
  });

  it('offers the platforms the server version supports for the OS', async () => {
    view = await render(<CommandBuilder />);
    await waitFor(() => expect(segmentLabels('Platform')).toEqual(['Kubernetes', 'Docker Swarm', 'Docker Standalone', 'Podman']));
    expect(labelledSegments('Operating system')).toEqual(['Linux', 'Windows']);
    await click([...view.container.querySelectorAll('label')].find((l) => l.textContent === 'Windows')!);
    await waitFor(() => expect(segmentLabels('Platform')).toEqual(['Docker Swarm', 'Docker Standalone']));

    const version = inputByLabel(view.container, 'Server version');
    await typeInto(version, '2.19.4');
    await click([...view.container.querySelectorAll('label')].find((l) => l.textContent === 'Linux')!);
    await waitFor(() => expect(segmentLabels('Platform')).toContain('Nomad'));
    expect(segmentLabels('Platform')).not.toContain('Podman');

    await typeInto(version, 'v2.23');
    await waitFor(() => expect(errorOf(version)).toMatch(/not a Portainer version/));
  });

  it('sends only the options that apply', () => {
    const base = useCommands.getState().form;
    expect(toOptions({ ...base, edgeKey: ` ${KEY} `, edgeId: 'x' })).toEqual({
      platform: 'standalone',
      os: 'linux',
      agentVersion: '2.23.0',
      edgeKey: KEY,
      edgeId: 'x',
      insecurePoll: true,
    });
    const nomad = toOptions({ ...base, platform: 'nomad', edgeIdMode: 'generate', agentSecret: 's', nomadToken: 't', nomadTls: true, envVars: 'TZ', async: true });
    expect(nomad).toMatchObject({ edgeIdGenerator: 'uuidgen', agentSecret: 's', nomadToken: 't', nomadTls: true, envVars: 'TZ', async: true });
    expect(nomad).not.toHaveProperty('edgeId');
    expect(toOptions({ ...base, nomadToken: 't' })).not.toHaveProperty('nomadToken');
  });
});
