// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls, type CallName } from '../../../src-main/shared/contract/calls';
import type { Envelope } from '../../../src-main/shared/contract/errors';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import type { PrestageExportView, PrestagePlanView, PrestageUnusedView } from '../../../src-main/shared/schemas/prestage';
import { ExportPage } from '../../../src-renderer/features/export/ExportPage';
import { resetExportStore, useExportStore } from '../../../src-renderer/features/export/exportStore';
import { resetImportStore } from '../../../src-renderer/features/export/importStore';
import { buildOptions, resetExportOptions } from '../../../src-renderer/features/export/optionsStore';
import { resetUnusedStore } from '../../../src-renderer/features/export/unusedStore';
import { click, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

let transport: FakeTransport;
let view: Rendered | undefined;

const ok = <T,>(data: T): Envelope<T> => ({ ok: true, data });
const OUT = '/home/me/Downloads/edgedeck-export-2030-01-01-120000';
const RECIPIENT = `age1${'q'.repeat(58)}`;

function env(id: number, name: string): EnvironmentView {
  return {
    id,
    name,
    type: 4,
    edge: true,
    containerEngine: 'docker',
    groupId: 1,
    tagIds: [],
    url: '',
    status: 2,
    checkinInterval: 0,
    lastCheckIn: 0,
    queryDate: 1_800_000_000,
    heartbeat: false,
    state: 'never',
    userTrusted: true,
  };
}

const envs = [env(3, 'shop-003'), env(4, 'shop-004'), env(5, 'warehouse-1')];

/** A canned answer that first checks the request against the contract, as main's dispatcher does. */
function answer<C extends CallName>(channel: C, fn: (req: never) => unknown): void {
  transport.override(channel, (payload) => {
    const parsed = calls[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { ok: false, error: { code: 'invalid_input', message: issue.message, field: issue.path.join('.') } };
    }
    return ok(fn(parsed.data as never));
  });
}

function exportView(devices: number, patch: Partial<PrestageExportView> = {}): PrestageExportView {
  const layout = { top: ['fleet.csv'], perDevice: ['agent.env', 'install.sh', 'docker-compose.yml', 'README.txt', 'manifest.json'] };
  return { path: OUT, files: devices * 5 + 1, devices, encrypted: false, source: 'server', warnings: [], layout, ...patch };
}

const calledWith = (channel: string) => transport.log.filter((l) => l.channel === channel).map((l) => l.payload as Record<string, unknown>);
const byTestId = (id: string) => document.querySelector(`[data-testid="${id}"]`);
const inside = (id: string) => view!.container.querySelector(`[data-testid="${id}"] input`) ?? view!.container.querySelector(`input[data-testid="${id}"], textarea[data-testid="${id}"]`);
const buttonByText = (text: string | RegExp) =>
  [...document.querySelectorAll('button')].find((b) => (typeof text === 'string' ? b.textContent?.trim() === text : text.test(b.textContent ?? ''))) ?? null;

async function check(el: Element | null) {
  if (!(el instanceof HTMLInputElement)) throw new Error(`Not a checkbox: ${String(el)}`);
  await click(el);
}

beforeEach(() => {
  transport = useFakeApi();
  resetExportStore();
  resetImportStore();
  resetExportOptions();
  resetUnusedStore();
  answer('prestage:defaults', () => ({ outDir: OUT, baseDir: '/home/me/Downloads' }));
  answer('environments:list', (req: { search?: string }) => {
    const items = envs.filter((e) => !req.search || e.name.includes(req.search));
    return { items, total: items.length };
  });
});
afterEach(() => {
  view?.unmount();
  view = undefined;
  document.body.innerHTML = '';
});

async function openTab(tab: 'export' | 'import' | 'unused') {
  await act(async () => useExportStore.getState().setTab(tab));
}

describe('Export tab', () => {
  it('sends the chosen environments, formats, expiry and passphrase encryption', async () => {
    answer('prestage:export', (req: { environmentIds: number[] }) => exportView(req.environmentIds.length, { encrypted: true, path: `${OUT}/edgedeck-export-2030-01-01.tar.age`, layout: { top: ['fleet.csv'], perDevice: ['agent.env', 'install.ps1', 'README.txt', 'manifest.json'] } }));
    view = await render(<ExportPage />);
    await waitFor(() => expect(view!.container.querySelectorAll('[data-testid="export-env-row"]').length).toBe(3));
    // The output folder is main's suggestion.
    await waitFor(() => expect((inside('export-outdir') as HTMLInputElement).value).toBe(OUT));
    // Export is disabled until something is chosen.
    expect((byTestId('export-run') as HTMLButtonElement).disabled).toBe(true);

    await check(view.container.querySelector('input[aria-label="Select shop-003"]'));
    await check(view.container.querySelector('input[aria-label="Select warehouse-1"]'));
    expect(byTestId('export-selected-count')!.textContent).toBe('2 selected');

    // Formats: drop compose, add ps1 and cloud-init.
    await check(inside('export-format-compose'));
    await check(inside('export-format-ps1'));
    await check(inside('export-format-cloud-init'));
    await typeInto(inside('export-expires'), '2030-06-30');
    await click(view.container.querySelector('[data-testid="export-encryption"] input[value="passphrase"]'));
    await typeInto(await waitFor(() => inside('export-passphrase')), 'short');
    await click(byTestId('export-run'));
    // Too short: said on the field, nothing sent.
    await waitFor(() => expect(view!.container.textContent).toContain('at least 8 characters'));
    expect(calledWith('prestage:export')).toHaveLength(0);

    await typeInto(inside('export-passphrase'), 'correct horse battery staple');
    await click(byTestId('export-run'));
    await waitFor(() => expect(byTestId('export-result')).not.toBeNull());
    expect(calledWith('prestage:export')).toEqual([
      {
        environmentIds: [3, 5],
        offline: false,
        outDir: OUT,
        formats: ['env', 'script', 'ps1', 'cloud-init'],
        expires: '2030-06-30',
        labelsIncludeKey: false,
        encrypt: { passphrase: 'correct horse battery staple' },
      },
    ]);
    const result = byTestId('export-result')!;
    expect(result.textContent).toContain('2 devices');
    expect(result.textContent).toContain('age-encrypted archive');
    expect((byTestId('export-result-path') as HTMLInputElement).value).toBe(`${OUT}/edgedeck-export-2030-01-01.tar.age`);
    expect(result.textContent).toContain('agent.env');
    expect(result.textContent).toContain('install.ps1');
  });

  it('sends age recipients one per line, and the token goes on labels only with the explicit box', async () => {
    answer('prestage:export', (req: { environmentIds: number[] }) => exportView(req.environmentIds.length));
    view = await render(<ExportPage />);
    await waitFor(() => expect(view!.container.querySelectorAll('[data-testid="export-env-row"]').length).toBe(3));
    await check(view.container.querySelector('input[aria-label="Select shop-004"]'));
    await check(inside('export-format-labels'));
    expect(byTestId('export-labels-key-warning')).toBeNull();
    await click(view.container.querySelector('[data-testid="export-encryption"] input[value="age"]'));
    await typeInto(await waitFor(() => inside('export-recipients')), `${RECIPIENT}\n\n  ${RECIPIENT.replace(/q$/, 'p')}  \n`);
    await click(byTestId('export-run'));
    await waitFor(() => expect(calledWith('prestage:export')).toHaveLength(1));
    expect(calledWith('prestage:export')[0]).toMatchObject({ formats: ['env', 'script', 'compose', 'labels'], labelsIncludeKey: false, encrypt: { recipients: [RECIPIENT, RECIPIENT.replace(/q$/, 'p')] } });

    await check(inside('export-labels-key'));
    expect(byTestId('export-labels-key-warning')!.textContent).toContain('carry the join token');
    await waitFor(() => expect((inside('export-outdir') as HTMLInputElement).value).toBe(OUT));
    await click(byTestId('export-run'));
    await waitFor(() => expect(calledWith('prestage:export')).toHaveLength(2));
    expect(calledWith('prestage:export')[1]).toMatchObject({ labelsIncludeKey: true });
  });

  it('falls back to the offline copy when the server is unreachable, says when it was confirmed, and exports offline', async () => {
    transport.override('environments:list', { ok: false, error: { code: 'unavailable', message: 'Portainer at https://p.example:9443 did not answer.' } });
    answer('prestage:cached', () => ({
      environments: [{ environmentId: 9, name: 'kiosk-9', edgeId: 'e-9', serverUrl: 'https://p.example:9443', agentVersion: '2.23.0', platform: 'standalone', createdAt: '2030-01-01T00:00:00.000Z', lastConfirmedWithServer: '2030-01-02T03:04:05.000Z' }],
    }));
    answer('prestage:export', () => exportView(1, { source: 'cache', warnings: ['Offline export from the local copy. Data last confirmed with the server at 2030-01-02T03:04:05.000Z (oldest of 1).'] }));
    view = await render(<ExportPage />);
    const alert = await waitFor(() => byTestId('export-offline')!);
    expect(alert.textContent).toContain('unreachable');
    expect(alert.textContent).toContain('did not answer');
    expect(alert.textContent).toContain('last confirmed with the server');
    await check(view.container.querySelector('input[aria-label="Select kiosk-9"]'));
    await waitFor(() => expect((inside('export-outdir') as HTMLInputElement).value).toBe(OUT));
    await click(byTestId('export-run'));
    await waitFor(() => expect(byTestId('export-result-warnings')).not.toBeNull());
    expect(calledWith('prestage:export')[0]).toMatchObject({ environmentIds: [9], offline: true });
    expect(byTestId('export-result')!.textContent).toContain('from the offline copy');
  });

  it('puts an error from main on its field (an existing output folder)', async () => {
    transport.override('prestage:export', { ok: false, error: { code: 'conflict', message: `The output folder ${OUT} already exists; choose a new folder (an export never overwrites one).`, field: 'out' } });
    view = await render(<ExportPage />);
    await waitFor(() => expect(view!.container.querySelectorAll('[data-testid="export-env-row"]').length).toBe(3));
    await check(view.container.querySelector('input[aria-label="Select shop-003"]'));
    await waitFor(() => expect((inside('export-outdir') as HTMLInputElement).value).toBe(OUT));
    await click(byTestId('export-run'));
    await waitFor(() => expect(view!.container.textContent).toContain('already exists'));
    expect(byTestId('export-result')).toBeNull();
  });

  it('checks the options the way main does', () => {
    const base = { formats: [], expires: '2030-02-30', encryption: 'age' as const, passphrase: '', recipients: 'ssh-ed25519 AAAA', outDir: 'relative/dir', labelsIncludeKey: true };
    const r = buildOptions(base);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['expires', 'formats', 'outDir', 'recipients']);
    const good = buildOptions({ ...base, formats: ['labels', 'env'], expires: '2030-02-28', recipients: RECIPIENT, outDir: 'C:\\exports\\x', labelsIncludeKey: false });
    expect(good).toEqual({ ok: true, value: { outDir: 'C:\\exports\\x', formats: ['env', 'labels'], expires: '2030-02-28', labelsIncludeKey: false, encrypt: { recipients: [RECIPIENT] } } });
  });
});

describe('CSV import', () => {
  const badPlan: PrestagePlanView = {
    items: [
      { row: 2, name: 'shop-010', action: 'create', message: 'will be created.' },
      { row: 3, name: 'shop-011', action: 'error', message: 'has poll "abc"; write the poll interval in whole seconds (0 to 604800), or leave it empty for the server default.' },
      { row: 4, name: 'shop-003', action: 'exists', message: 'exists already (environment 3); it will be exported, not created again.', environmentId: 3 },
    ],
    create: 1,
    exists: 1,
    errors: 1,
    newGroups: [],
    newTags: [],
    warnings: ['No group, tags, platform, edge_id, host column: …'],
  };

  it('shows row errors with the row number and the fix, and disables create', async () => {
    answer('prestage:importPlan', () => badPlan);
    view = await render(<ExportPage />);
    await openTab('import');
    const csv = 'name,poll\nshop-010,60\nshop-011,abc\nshop-003,\n';
    await typeInto(await waitFor(() => inside('import-csv')), csv);
    await click(byTestId('import-plan'));
    await waitFor(() => expect(byTestId('import-plan-table')).not.toBeNull());
    expect(calledWith('prestage:importPlan')).toEqual([{ csv, createGroups: false }]);
    const rows = [...view.container.querySelectorAll('[data-testid="import-plan-row"]')];
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['create', 'error', 'exists']);
    expect(rows[1]!.textContent).toContain('Row 3: has poll "abc"; write the poll interval in whole seconds');
    expect(byTestId('import-plan-blocked')!.textContent).toContain('Fix 1 row first');
    const run = byTestId('import-run') as HTMLButtonElement;
    expect(run.textContent).toBe('Create 1 environment');
    expect(run.disabled).toBe(true);
    await click(run);
    expect(calledWith('prestage:importRun')).toHaveLength(0);

    // Editing the CSV drops the stale preview.
    await typeInto(inside('import-csv'), 'name,poll\nshop-010,60\n');
    expect(byTestId('import-plan-table')).toBeNull();
  });

  it('creates and exports when there are no errors, then offers to export those again', async () => {
    const plan: PrestagePlanView = { ...badPlan, items: [badPlan.items[0]!, { ...badPlan.items[2]!, row: 3 }], errors: 0 };
    answer('prestage:importPlan', () => plan);
    answer('prestage:importRun', () => ({
      items: [
        { row: 2, name: 'shop-010', action: 'created', environmentId: 12 },
        { row: 3, name: 'shop-003', action: 'existing', environmentId: 3 },
      ],
      created: 1,
      failed: 0,
      plan,
      export: exportView(2),
    }));
    view = await render(<ExportPage />);
    await openTab('import');
    const csv = 'name,poll\nshop-010,60\nshop-003,\n';
    await typeInto(await waitFor(() => inside('import-csv')), csv);
    await click(byTestId('import-plan'));
    const run = await waitFor(() => {
      const b = byTestId('import-run') as HTMLButtonElement;
      expect(b.disabled).toBe(false);
      return b;
    });
    await waitFor(() => expect((inside('import-outdir') as HTMLInputElement).value).toBe(OUT));
    await check(inside('import-format-k8s'));
    await click(run);
    await waitFor(() => expect(byTestId('import-result')).not.toBeNull());
    expect(calledWith('prestage:importRun')).toEqual([{ csv, createGroups: false, outDir: OUT, formats: ['env', 'script', 'compose', 'k8s'], labelsIncludeKey: false }]);
    expect(byTestId('import-result-summary')!.textContent).toBe('1 created, 1 existing, 0 failed.');
    expect((byTestId('import-export-result-path') as HTMLInputElement).value).toBe(OUT);

    await click(byTestId('import-export-again'));
    await waitFor(() => expect(useExportStore.getState().tab).toBe('export'));
    await waitFor(() => expect([...useExportStore.getState().selected.keys()]).toEqual([12, 3]));
  });
});

describe('Unused tokens', () => {
  const report: PrestageUnusedView = {
    days: 30,
    items: [
      { environmentId: 21, name: 'old-21', createdAt: '2029-01-01T00:00:00.000Z', ageDays: 400, eligible: true },
      { environmentId: 22, name: 'old-22', createdAt: '2029-06-01T00:00:00.000Z', ageDays: 200, eligible: true },
      { environmentId: 23, name: 'new-23', createdAt: '2030-01-01T00:00:00.000Z', ageDays: 2, eligible: false },
      { environmentId: 24, name: 'foreign-24', createdAt: null, ageDays: null, eligible: false },
    ],
    eligible: [21, 22],
    unknownAge: 1,
  };

  it('asks for confirmation listing what will be removed, then shows what was removed', async () => {
    let current = report;
    answer('prestage:unused', () => current);
    answer('prestage:deleteUnused', () => ({ removed: [{ id: 21, name: 'old-21' }], skipped: [{ id: 22, reason: 'an agent checked in at 2030-01-03T00:00:00.000Z; kept' }] }));
    view = await render(<ExportPage />);
    await openTab('unused');
    await click(await waitFor(() => byTestId('unused-load')));
    await waitFor(() => expect(byTestId('unused-report')).not.toBeNull());
    expect(calledWith('prestage:unused')).toEqual([{ days: 30 }]);
    expect(byTestId('unused-summary')!.textContent).toContain('1 of unknown age');
    // Only eligible rows can be ticked.
    expect((view.container.querySelector('input[aria-label="Select new-23"]') as HTMLInputElement).disabled).toBe(true);
    expect((view.container.querySelector('input[aria-label="Select foreign-24"]') as HTMLInputElement).disabled).toBe(true);

    await click(byTestId('unused-delete'));
    const modal = await waitFor(() => {
      const m = byTestId('unused-confirm-list');
      expect(m).not.toBeNull();
      return m!;
    });
    expect(modal.textContent).toContain('old-21 (environment 21');
    expect(modal.textContent).toContain('old-22 (environment 22');
    expect(modal.textContent).not.toContain('new-23');
    // Nothing is deleted before the confirmation.
    expect(calledWith('prestage:deleteUnused')).toHaveLength(0);

    // Cancel keeps everything.
    await click(byTestId('unused-confirm-cancel'));
    expect(calledWith('prestage:deleteUnused')).toHaveLength(0);

    await click(byTestId('unused-delete'));
    current = { ...report, items: report.items.filter((i) => i.environmentId !== 21), eligible: [22] };
    await click(await waitFor(() => buttonByText('Delete 2 environments')));
    await waitFor(() => expect(byTestId('unused-outcome')).not.toBeNull());
    expect(calledWith('prestage:deleteUnused')).toEqual([{ ids: [21, 22], confirm: true }]);
    expect(byTestId('unused-removed')!.textContent).toContain('old-21 (environment 21)');
    expect(byTestId('unused-skipped')!.textContent).toContain('old-22: an agent checked in');
    // The report is read again.
    await waitFor(() => expect(calledWith('prestage:unused')).toHaveLength(2));
  });
});
