// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { calls, type AppCapabilities, type CallName, type PrestageExportResult } from '../../../src-main/shared/contract/calls';
import type { Envelope } from '../../../src-main/shared/contract/errors';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { ExportPage } from '../../../src-renderer/features/export/ExportPage';
import { resetCapabilities } from '../../../src-renderer/capabilities';
import { resetExportStore } from '../../../src-renderer/features/export/exportStore';
import { resetImportStore } from '../../../src-renderer/features/export/importStore';
import { childPath, resetExportOptions } from '../../../src-renderer/features/export/optionsStore';
import { resetUnusedStore } from '../../../src-renderer/features/export/unusedStore';
import { click, render, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// The Export page switches on app:capabilities: a native folder picker in the desktop app, a
// "Download archive" delivery in the browser; the folder stays available in both.
let transport: FakeTransport;
let view: Rendered | undefined;

const OUT = '/home/me/Downloads/edgedeck-export-2030-01-01-120000';
const env = (id: number, name: string) => ({ id, name, type: 4, edge: true, containerEngine: 'docker', groupId: 1, tagIds: [], url: '', status: 2, checkinInterval: 0, lastCheckIn: 0, queryDate: 0, heartbeat: false, state: 'never', userTrusted: true }) as EnvironmentView;

function answer<C extends CallName>(channel: C, fn: (req: never) => unknown): void {
  transport.override(channel, (payload) => {
    const parsed = calls[channel].request.safeParse(payload ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: parsed.error.issues[0]!.message, field: parsed.error.issues[0]!.path.join('.') } };
    return { ok: true, data: fn(parsed.data as never) } satisfies Envelope<unknown>;
  });
}

const calledWith = (channel: string) => transport.log.filter((l) => l.channel === channel).map((l) => l.payload as Record<string, unknown>);
const byTestId = (id: string) => document.querySelector(`[data-testid="${id}"]`);
const outDirInput = () => view!.container.querySelector('input[data-testid="export-outdir"]') as HTMLInputElement | null;

function exportResult(devices: number, patch: Partial<PrestageExportResult> = {}): PrestageExportResult {
  return { path: OUT, files: devices * 4 + 1, devices, encrypted: false, source: 'server', warnings: [], layout: { top: ['fleet.csv'], perDevice: ['agent.env', 'install.sh', 'README.txt', 'manifest.json'] }, ...patch };
}

async function showPage(caps: AppCapabilities) {
  answer('app:capabilities', () => caps);
  view = await render(<ExportPage />);
  await waitFor(() => expect(view!.container.querySelectorAll('[data-testid="export-env-row"]').length).toBe(2));
  await waitFor(() => expect(outDirInput()!.value).toBe(OUT));
  await waitFor(() => expect(calledWith('app:capabilities')).toHaveLength(1));
  await click(view.container.querySelector('input[aria-label="Select shop-1"]'));
}

beforeEach(() => {
  transport = useFakeApi();
  resetExportStore();
  resetImportStore();
  resetExportOptions();
  resetUnusedStore();
  resetCapabilities();
  answer('prestage:defaults', () => ({ outDir: OUT, baseDir: '/home/me/Downloads' }));
  answer('environments:list', () => ({ items: [env(1, 'shop-1'), env(2, 'shop-2')], total: 2 }));
});
afterEach(() => {
  view?.unmount();
  view = undefined;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('Export delivery by capability', () => {
  it('desktop app: "Choose folder…" opens the native picker and fills the output folder; no download choice', async () => {
    const picked: string[] = [];
    answer('dialogs:chooseFolder', (req: { defaultPath?: string }) => {
      picked.push(req.defaultPath ?? '');
      return picked.length === 1 ? { path: '/mnt/usb' } : {};
    });
    answer('prestage:export', (req: { environmentIds: number[] }) => exportResult(req.environmentIds.length, { path: '/mnt/usb/edgedeck-export-2030-01-01-120000' }));
    await showPage({ nativeDialogs: true, clipboard: true, transport: 'ipc' });
    expect(byTestId('export-delivery')).toBeNull();

    await click(await waitFor(() => byTestId('export-choose-folder')!));
    // A plain export is a new folder: it goes inside the one chosen, under the suggested name.
    await waitFor(() => expect(outDirInput()!.value).toBe('/mnt/usb/edgedeck-export-2030-01-01-120000'));
    expect(picked).toEqual(['/home/me/Downloads']);
    // Cancelled: the field keeps its path.
    await click(byTestId('export-choose-folder'));
    await waitFor(() => expect(picked).toHaveLength(2));
    expect(outDirInput()!.value).toBe('/mnt/usb/edgedeck-export-2030-01-01-120000');

    await click(byTestId('export-run'));
    await waitFor(() => expect(byTestId('export-result')).not.toBeNull());
    expect(calledWith('prestage:export')).toEqual([{ environmentIds: [1], offline: false, outDir: '/mnt/usb/edgedeck-export-2030-01-01-120000', formats: ['env', 'script', 'compose'], labelsIncludeKey: false }]);
  });

  it('browser: no folder picker; "Download archive" sends deliver:download, warns about the join tokens, and clicks a same-origin link', async () => {
    const clicks: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
    answer('prestage:export', (req: { environmentIds: number[] }) =>
      exportResult(req.environmentIds.length, { path: 'edgedeck-export-2030-01-01-120000.tar', download: { id: 'tok_123-abc', fileName: 'edgedeck-export-2030-01-01-120000.tar', size: 20480, expiresAt: '2030-01-01T12:10:00.000Z' } }),
    );
    await showPage({ nativeDialogs: false, clipboard: false, transport: 'web' });
    expect(byTestId('export-choose-folder')).toBeNull();
    // The folder stays the default, and available.
    const folder = view!.container.querySelector('[data-testid="export-delivery"] input[value="folder"]') as HTMLInputElement;
    expect(folder.checked).toBe(true);

    await click(view!.container.querySelector('[data-testid="export-delivery"] input[value="download"]'));
    await waitFor(() => expect(outDirInput()).toBeNull());
    expect(byTestId('export-download-note')!.textContent).toMatch(/holds the join tokens in plain files/);

    await click(byTestId('export-run'));
    await waitFor(() => expect(byTestId('export-result')).not.toBeNull());
    expect(calledWith('prestage:export')).toEqual([{ environmentIds: [1], offline: false, deliver: 'download', formats: ['env', 'script', 'compose'], labelsIncludeKey: false }]);
    expect(clicks).toEqual([{ href: '/downloads/tok_123-abc', download: 'edgedeck-export-2030-01-01-120000.tar' }]);
    // The link was only there for the click.
    expect(document.querySelector('a[href^="/downloads/"]')).toBeNull();
    expect(byTestId('export-result')!.textContent).toContain('your browser is saving it');
    expect((byTestId('export-result-path') as HTMLInputElement).value).toBe('edgedeck-export-2030-01-01-120000.tar');
    expect(byTestId('export-result')!.textContent).toContain('20.0 KB');

    // Back to the folder: the field is there again, and a folder export sends it.
    await click(folder);
    await waitFor(() => expect(outDirInput()).not.toBeNull());
    expect(byTestId('export-download-note')).toBeNull();
  });

  it('offers neither when main cannot say (older shell), and keeps the typed folder', async () => {
    transport.override('app:capabilities', { ok: false, error: { code: 'not_found', message: 'Unknown call "app:capabilities".' } });
    view = await render(<ExportPage />);
    await waitFor(() => expect(outDirInput()!.value).toBe(OUT));
    await act(async () => new Promise((r) => setTimeout(r, 30)));
    expect(byTestId('export-choose-folder')).toBeNull();
    expect(byTestId('export-delivery')).toBeNull();
  });

  it('joins a picked folder with its own separator', () => {
    expect(childPath('/mnt/usb/', 'x')).toBe('/mnt/usb/x');
    expect(childPath('/', 'x')).toBe('/x');
    expect(childPath('C:\\Users\\me', 'x')).toBe('C:\\Users\\me\\x');
    expect(childPath('C:\\', 'x')).toBe('C:\\x');
  });
});
