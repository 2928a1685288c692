// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src-main/shared/contract/errors';
import type { EdgeGroupView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';
import { AgentMetaFields } from '../../../src-renderer/components/agentMeta/AgentMetaFields';
import { metaPreview, useExportMeta, useInstallMeta } from '../../../src-renderer/components/agentMeta/agentMetaStore';
import { ExportPage } from '../../../src-renderer/features/export/ExportPage';
import { imageProblem, resetExportStore, useExportStore } from '../../../src-renderer/features/export/exportStore';
import { resetGlobalExport, useGlobalExport } from '../../../src-renderer/features/export/globalExportStore';
import { resetExportOptions, useExportOptions } from '../../../src-renderer/features/export/optionsStore';
import { buildRequest, resetInstall, useInstall } from '../../../src-renderer/features/install/installStore';
import { render, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// The auto-onboarding metadata, global-key and include-image options of the Install and Export
// screens (issues #15 item 3–4, #17 item 4), against a fake main that checks every request
// against the contract's schemas.

let transport: FakeTransport;
let view: Rendered | undefined;
const ok = <T,>(data: T): Envelope<T> => ({ ok: true, data });
const OUT = '/home/me/exports/x';

let edgeGroups: EdgeGroupView[];
let groups: GroupView[];
let tags: TagView[];
const calledWith = (channel: string) => transport.log.filter((l) => l.channel === channel).map((l) => l.payload as Record<string, unknown>);

beforeEach(() => {
  transport = useFakeApi();
  edgeGroups = [
    { id: 1, name: 'Shops', dynamic: false, environmentIds: [] },
    { id: 2, name: 'Cameras', dynamic: false, environmentIds: [] },
    { id: 9, name: 'ByTag', dynamic: true, environmentIds: [] },
  ];
  groups = [{ id: 5, name: 'Stores', description: '', tagIds: [] }];
  tags = [{ id: 10, name: 'north' }, { id: 20, name: 'south' }];
  transport.override('edgeGroups:list', () => ok({ edgeGroups }));
  transport.override('groups:list', () => ok({ groups }));
  transport.override('tags:list', () => ok({ tags }));
  transport.override('edgeGroups:create', (p) => {
    const g = { id: 30 + edgeGroups.length, name: (p as { name: string }).name, dynamic: false, environmentIds: [] };
    edgeGroups.push(g);
    return ok(g);
  });
  transport.override('tags:create', (p) => {
    const t = { id: 40 + tags.length, name: (p as { name: string }).name };
    tags.push(t);
    return ok(t);
  });
  transport.override('groups:create', (p) => ok({ id: 77, name: (p as { name: string }).name, description: '', tagIds: [] }));
  useExportMeta.getState().reset();
  useInstallMeta.getState().reset();
  useExportMeta.setState({ edgeGroupList: [], groupList: [], tagList: [] });
  resetExportStore();
  resetExportOptions();
  resetGlobalExport();
});
afterEach(() => {
  view?.unmount();
  view = undefined;
  document.body.innerHTML = '';
});

describe('auto-onboarding metadata picker', () => {
  it('resolves known names to ids and creates new ones once (case-insensitively, with the core rule); off sends nothing', async () => {
    const m = useExportMeta.getState();
    expect(await m.resolve()).toBeUndefined();
    await m.load();
    m.set({ on: true, edgeGroups: ['cameras', 'Shops', 'Depots'], group: 'stores', tags: ['south', 'east', 'EAST'] });
    const meta = await useExportMeta.getState().resolve();
    expect(meta).toEqual({ edgeGroupIds: [2, 1, 33], groupId: 5, tagIds: [20, 42] });
    expect(calledWith('edgeGroups:create')).toEqual([{ name: 'Depots' }]);
    expect(calledWith('tags:create')).toEqual([{ name: 'east' }]);
    expect(calledWith('groups:create')).toEqual([]);
    // A second start finds what the first created (no second creation).
    expect(await useExportMeta.getState().resolve()).toEqual(meta);
    expect(calledWith('edgeGroups:create')).toHaveLength(1);
  });

  it('a dynamic Edge group is not offered for EDGE_GROUPS; a dry run (create: false) refuses new names and creates nothing', async () => {
    const m = useInstallMeta.getState();
    await m.load();
    m.set({ on: true, edgeGroups: ['ByTag'], tags: ['north'] });
    await expect(useInstallMeta.getState().resolve({ create: false })).rejects.toThrow(/Edge group “ByTag” does not exist on the server yet, and a dry run or preflight creates nothing/);
    expect(useInstallMeta.getState().error).toMatch(/ByTag/);
    expect(calledWith('edgeGroups:create')).toEqual([]);
  });

  it('a failed creation is said on the picker and names what failed', async () => {
    transport.override('tags:create', () => ({ ok: false, error: { code: 'forbidden', message: 'Only administrators can create tags.' } }));
    await useExportMeta.getState().load();
    useExportMeta.getState().set({ on: true, tags: ['brand-new'] });
    await expect(useExportMeta.getState().resolve()).rejects.toThrow();
    expect(useExportMeta.getState().error).toBe('Could not create the tag: Only administrators can create tags.');
  });

  it('shows what it does and the variables of the known picks as the core builder writes them', async () => {
    await useExportMeta.getState().load();
    useExportMeta.getState().set({ on: true, edgeGroups: ['Shops', 'Cameras'], group: 'Stores', tags: ['north', 'south', 'later'] });
    expect(metaPreview(useExportMeta.getState())).toEqual({ lines: ['EDGE_GROUPS=1:2', 'PORTAINER_GROUP=5', 'PORTAINER_TAGS=10:20'], pending: ['tag “later”'] });
    view = await render(<AgentMetaFields store={useExportMeta} idPrefix="t" />);
    const text = view.container.textContent!;
    expect(text).toContain('Used only when the agent enrols with a global key (auto-onboarding)');
    expect(text).toContain('waiting room');
    expect(view.container.querySelector('[data-testid="t-meta-preview"]')!.textContent).toContain('EDGE_GROUPS=1:2PORTAINER_GROUP=5PORTAINER_TAGS=10:20');
    expect(view.container.querySelector('[data-testid="t-meta-preview"]')!.textContent).toContain('once created: tag “later”');
  });

  it('the install request carries the ids as meta (the field the CLI flags fill)', () => {
    resetInstall();
    const form = useInstall.getState().form;
    expect(buildRequest(form, ['u@h'], { edgeGroupIds: [1, 2], groupId: 5, tagIds: [10, 20] }).meta).toEqual({ edgeGroupIds: [1, 2], groupId: 5, tagIds: [10, 20] });
    expect('meta' in buildRequest(form, ['u@h'])).toBe(false);
  });
});

describe('Export: per-device bundles with metadata and the agent image', () => {
  it('sends meta and image (archive file) with prestage:export; a "no image" answer from main shows on the image field', async () => {
    transport.override('prestage:defaults', () => ok({ outDir: OUT, baseDir: '/home/me/exports' }));
    transport.override('environments:list', () => ok({ items: [], total: 0 }));
    await useExportMeta.getState().load();
    useExportMeta.getState().set({ on: true, edgeGroups: ['Shops'], group: 'Stores', tags: ['north'] });
    useExportStore.getState().select([{ id: 3, name: 'shop-3' }]);
    useExportOptions.getState().set({ outDir: OUT });
    useExportStore.getState().setImage({ includeImage: 'engine' });
    transport.override('prestage:export', () => ({ ok: false, error: { code: 'unavailable', message: "This computer's docker has no image portainer/agent:2.27.0 (No such image). Pull it here first (docker pull portainer/agent:2.27.0), or give an archive file of it.", field: 'pushImage' } }));
    await act(async () => useExportStore.getState().runExport());
    expect(useExportStore.getState().imageError).toMatch(/has no image portainer\/agent:2.27.0 .*Pull it here first/);
    expect(useExportStore.getState().exportError).toBeUndefined();

    transport.override('prestage:export', () => ok({ path: OUT, files: 6, devices: 1, encrypted: false, source: 'server', warnings: [], layout: { top: ['fleet.csv'], perDevice: ['agent.env', 'install.sh', 'README.txt', 'manifest.json'] }, image: { file: 'portainer-agent-2.27.0.tar', size: 3_500_000, sha256: 'a'.repeat(64) } }));
    useExportStore.getState().setImage({ includeImage: 'archive', imageArchive: '  /tmp/agent.tar ' });
    await act(async () => useExportStore.getState().runExport());
    const sent = calledWith('prestage:export').at(-1)!;
    expect(sent.meta).toEqual({ edgeGroupIds: [1], groupId: 5, tagIds: [10] });
    expect(sent.image).toEqual({ from: 'archive', path: '/tmp/agent.tar' });
    view = await render(<ExportPage />);
    const shown = await waitFor(() => view!.container.querySelector('[data-testid="export-result-image"]')!);
    expect(shown.textContent).toContain('agent-image/portainer-agent-2.27.0.tar');
    expect(shown.textContent).toMatch(/3\.\d MB/);
  });

  it('refuses the image in an encrypted or downloaded export before sending, saying why', async () => {
    expect(imageProblem('engine', true, 'folder', '')).toMatch(/plain folder export only/);
    expect(imageProblem('engine', false, 'download', '')).toMatch(/plain folder export only/);
    expect(imageProblem('archive', false, 'folder', ' ')).toMatch(/Give the path of the image archive/);
    expect(imageProblem('off', true, 'download', '')).toBeUndefined();
    useExportStore.getState().select([{ id: 3, name: 'shop-3' }]);
    useExportOptions.getState().set({ outDir: OUT, encryption: 'passphrase', passphrase: 'correct horse battery' });
    useExportStore.getState().setImage({ includeImage: 'engine' });
    await act(async () => useExportStore.getState().runExport());
    expect(useExportStore.getState().imageError).toMatch(/plain folder export only/);
    expect(calledWith('prestage:export')).toEqual([]);
  });
});

describe('Export: the auto-onboarding (global key) bundle', () => {
  it('explains itself, and sends prestage:exportGlobal with the formats, generator, expiry and metadata', async () => {
    transport.override('prestage:defaults', () => ok({ outDir: OUT, baseDir: '/home/me/exports' }));
    transport.override('environments:list', () => ok({ items: [], total: 0 }));
    transport.override('prestage:exportGlobal', () => ok({ path: OUT, files: 5, encrypted: false, platform: 'podman', agentVersion: '2.27.0' }));
    useExportStore.getState().setKind('global');
    view = await render(<ExportPage />);
    const explain = await waitFor(() => view!.container.querySelector('[data-testid="export-global-explain"]')!);
    expect(explain.textContent).toContain('global key');
    expect(explain.textContent).toContain('waiting room');
    expect(explain.textContent).toContain('Per-device bundles carry one environment each');
    await act(async () => useExportMeta.getState().load());
    await act(async () => {
      useExportMeta.getState().set({ on: true, edgeGroups: ['Shops', 'Cameras'], tags: ['south'] });
      useGlobalExport.getState().set({ platform: 'podman', generator: 'uuidgen' });
      useGlobalExport.getState().toggleFormat('cloud-init', false);
      useExportOptions.getState().set({ outDir: OUT, expires: '2031-01-31' });
    });
    await act(async () => useGlobalExport.getState().run());
    expect(calledWith('prestage:exportGlobal')).toEqual([{ outDir: OUT, platform: 'podman', formats: ['env', 'script'], insecurePoll: true, edgeIdGenerator: 'uuidgen', expires: '2031-01-31', meta: { edgeGroupIds: [1, 2], tagIds: [20] } }]);
    await waitFor(() => expect(view!.container.querySelector('[data-testid="export-global-summary"]')!.textContent).toContain('5 files for Podman devices, agent 2.27.0'));
  });

  it('needs a format and a one-line generator before anything is sent', async () => {
    useExportOptions.getState().set({ outDir: OUT });
    for (const f of ['env', 'script', 'cloud-init'] as const) useGlobalExport.getState().toggleFormat(f, false);
    useGlobalExport.getState().set({ generator: 'a\nb' });
    await act(async () => useGlobalExport.getState().run());
    expect(useGlobalExport.getState().formatsError).toMatch(/at least one/);
    expect(useGlobalExport.getState().generatorError).toMatch(/one line/);
    expect(calledWith('prestage:exportGlobal')).toEqual([]);
  });
});
