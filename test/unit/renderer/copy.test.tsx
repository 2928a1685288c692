// @vitest-environment happy-dom
import { Notifications, notifications } from '@mantine/notifications';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppCapabilities } from '../../../src-main/shared/contract/calls';
import { resetCapabilities } from '../../../src-renderer/capabilities';
import { CopyIconButton } from '../../../src-renderer/components/CopyIconButton';
import { CommandBuilder } from '../../../src-renderer/features/commands/CommandBuilder';
import { resetCommands } from '../../../src-renderer/features/commands/commandsStore';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { click, inputByLabel, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// Every copy button goes through one helper (components/copy.ts): main's clipboard in the desktop
// app, navigator.clipboard in the browser; "Copied" only when the copy really happened.
const SECRET_LOOKING = 'docker run -e EDGE_KEY=aHR0cHM6Ly9wb3J0YWluZXI \\\n  portainer/agent:2.23.0';

const KEY = encodeEdgeKey({ portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'portainer.example.com:8000', tunnelFingerprint: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=', environmentId: 12 });

let transport: FakeTransport;
let view: Rendered | undefined;
let written: string[];

function browserClipboard(writeText: (text: string) => Promise<void>): void {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

function shell(caps: Pick<AppCapabilities, 'clipboard' | 'transport'>): void {
  transport.override('app:capabilities', { ok: true, data: { nativeDialogs: caps.transport === 'ipc', ...caps } });
}

const button = () => view!.container.querySelector('[data-testid="copy-it"]') as HTMLButtonElement;
const mainWrites = () => transport.log.filter((c) => c.channel === 'clipboard:write').map((c) => c.payload);

beforeEach(() => {
  transport = useFakeApi();
  resetCapabilities();
  written = [];
  browserClipboard(async (text) => {
    written.push(text);
  });
});
afterEach(() => {
  view?.unmount();
  view = undefined;
  notifications.clean();
  document.body.innerHTML = '';
});

async function showButton(value = SECRET_LOOKING): Promise<void> {
  view = await render(
    <>
      <Notifications />
      <CopyIconButton value={value} label="Copy command" testId="copy-it" />
    </>,
  );
}

describe('copy buttons in the browser (edgedeck serve)', () => {
  it('copies the exact text with navigator.clipboard and only then says "Copied"', async () => {
    shell({ clipboard: false, transport: 'web' });
    await showButton();
    await click(button());
    await waitFor(() => expect(button().getAttribute('aria-label')).toBe('Copied'));
    expect(written).toEqual([SECRET_LOOKING]);
    expect(mainWrites()).toEqual([]);
  });

  it('a refused clipboard shows an error saying what to do, never "Copied"', async () => {
    shell({ clipboard: false, transport: 'web' });
    browserClipboard(() => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')));
    await showButton();
    await click(button());
    await waitFor(() => expect(document.body.textContent).toContain('Could not copy'));
    expect(document.body.textContent).toContain('The browser refused the copy (NotAllowedError)');
    expect(document.body.textContent).toContain('Ctrl+C');
    expect(button().getAttribute('aria-label')).toBe('Copy failed');
    expect(document.body.textContent).not.toContain('Copied');
  });

  it('a page without clipboard access says so', async () => {
    shell({ clipboard: false, transport: 'web' });
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    await showButton();
    await click(button());
    await waitFor(() => expect(document.body.textContent).toContain('no clipboard access'));
    expect(button().getAttribute('aria-label')).toBe('Copy failed');
  });
});

describe('copy buttons in the desktop app', () => {
  it('copy through main with the exact text, not the page clipboard', async () => {
    shell({ clipboard: true, transport: 'ipc' });
    transport.override('clipboard:write', { ok: true, data: { copied: true } });
    await showButton();
    await click(button());
    await waitFor(() => expect(button().getAttribute('aria-label')).toBe('Copied'));
    expect(mainWrites()).toEqual([{ text: SECRET_LOOKING }]);
    expect(written).toEqual([]);
  });

  it('main failing to copy shows its reason, not "Copied"', async () => {
    shell({ clipboard: true, transport: 'ipc' });
    transport.override('clipboard:write', { ok: false, error: { code: 'unavailable', message: 'Could not copy: the system clipboard did not take the text (another program may be holding it); try again' } });
    await showButton();
    await click(button());
    await waitFor(() => expect(document.body.textContent).toContain('another program may be holding it'));
    expect(button().getAttribute('aria-label')).toBe('Copy failed');
    expect(document.body.textContent).not.toContain('Copied');
  });
});

describe('the command builder copy button', () => {
  beforeEach(() => resetCommands());

  it('reads "Copy failed", not "Copied", when the clipboard refuses', async () => {
    shell({ clipboard: false, transport: 'web' });
    browserClipboard(() => Promise.reject(new DOMException('Document is not focused.', 'NotAllowedError')));
    view = await render(
      <>
        <Notifications />
        <CommandBuilder />
      </>,
    );
    await typeInto(view.container.querySelector('[data-testid="command-edge-key"]'), KEY);
    await typeInto(inputByLabel(view.container, 'Edge ID'), 'device-42');
    const copy = () => view!.container.querySelector('[data-testid="copy-command"]') as HTMLButtonElement;
    await waitFor(() => expect(copy().disabled).toBe(false));
    await click(copy());
    await waitFor(() => expect(copy().textContent).toBe('Copy failed'));
    expect(document.body.textContent).toContain('The browser refused the copy');
  });
});
