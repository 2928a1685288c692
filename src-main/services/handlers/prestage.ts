import type { AgentMeta } from '../../shared/domain/types';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { PrestageExportResult } from '../../shared/contract/calls';
import { AppError } from '../../shared/contract/errors';
import type { ServerAddress } from '../../shared/domain/tokenAddress';
import { CREATE_GROUPS_LABEL, type PrestageCachedView, type PrestageExportView, type PrestageGlobalExportView, type PrestagePlanView } from '../../shared/schemas/prestage';
import type { ImageSource } from '../install/imageArchive';
import { exportGlobalBundle } from '../prestage/globalExport';
import type { DownloadRegistry } from '../downloads/downloadRegistry';
import type { Logger } from '../logging/logger';
import { normaliseBaseUrl } from '../portainer/url';
import { PrestageCache } from '../prestage/cache';
import { parseDevicesCsv } from '../prestage/devicesCsv';
import { PrestageService, type ExportRequest, type ImportPlan, type PrestageConnection } from '../prestage/prestageService';
import type { BundleFormat, DevicePlatform } from '../prestage/types';
import type { ServerProfiles } from '../profiles/serverProfiles';
import type { Handlers } from '../rpc/dispatcher';
import type { KeyValueStore } from '../stores/keyValueStore';
import type { SecretSealer } from '../secrets/encryptedSecrets';

export type PrestageCallName = 'prestage:export' | 'prestage:exportGlobal' | 'prestage:importPlan' | 'prestage:importRun' | 'prestage:unused' | 'prestage:deleteUnused' | 'prestage:cached' | 'prestage:defaults';

export interface PrestageHandlerDeps {
  profiles: ServerProfiles;
  /** Holds the offline copy of prestaged environments, join tokens included: must be private to the user. */
  store: KeyValueStore;
  /** The desktop app's OS keychain: join tokens and agent secrets in the cache are stored encrypted with it. */
  sealer?: SecretSealer | undefined;
  logger: Logger;
  /** Where `deliver: 'download'` archives wait for the browser (the web bridge serves them); absent in Electron. */
  downloads?: DownloadRegistry | undefined;
  /** Where a built-in server (the app's local one) really listens: its tunnel address is what a Business Edition create sends when its settings have none. */
  builtInAddress?: ((profileId: string) => ServerAddress | undefined) | undefined;
  now?: () => number;
}

interface ExportFields {
  outDir: string;
  formats?: BundleFormat[] | undefined;
  expires?: string | undefined;
  labelsIncludeKey: boolean;
  platform?: DevicePlatform | undefined;
  insecurePoll?: boolean | undefined;
  envVars?: string | undefined;
  meta?: AgentMeta | undefined;
  encrypt?: { passphrase: string } | { recipients: string[] } | undefined;
  image?: ImageSource | undefined;
}

function exportRequest(r: ExportFields): ExportRequest {
  return {
    outDir: r.outDir,
    formats: r.formats ?? [],
    ...(r.expires ? { expires: r.expires } : {}),
    ...(r.labelsIncludeKey ? { labelsIncludeKey: true } : {}),
    ...(r.encrypt ? { encrypt: r.encrypt } : {}),
    ...(r.image ? { image: r.image } : {}),
  };
}

function loadOptions(r: Pick<ExportFields, 'platform' | 'insecurePoll' | 'envVars' | 'meta'>) {
  return {
    ...(r.platform ? { platform: r.platform } : {}),
    ...(r.insecurePoll !== undefined ? { insecurePoll: r.insecurePoll } : {}),
    ...(r.envVars !== undefined ? { envVars: r.envVars } : {}),
    ...(r.meta ? { meta: r.meta } : {}),
  };
}

function planView(plan: ImportPlan, warnings: string[]): PrestagePlanView {
  return {
    items: plan.items.map((i) => ({ row: i.row, name: i.name, action: i.action, message: i.message, ...(i.environmentId !== undefined ? { environmentId: i.environmentId } : {}) })),
    create: plan.create,
    exists: plan.exists,
    errors: plan.errors,
    newGroups: plan.newGroups,
    newTags: plan.newTags,
    warnings,
  };
}

/** Handlers of the prestage calls, on the active server profile. The lead wires this into appServices. */
export function createPrestageHandlers(deps: PrestageHandlerDeps): Pick<Handlers, PrestageCallName> {
  const { profiles } = deps;
  const service = new PrestageService({ cache: new PrestageCache(deps.store, deps.sealer), edgeIds: profiles.edgeIds, ...(deps.now ? { now: deps.now } : {}) });

  function activeUrl(): string {
    const p = profiles.active();
    if (!p) throw new AppError('invalid_input', 'Choose a Portainer server first.', 'server');
    return normaliseBaseUrl(p.url);
  }

  /** Local time to the second, e.g. 2030-01-01-120000: export names never repeat a minute's. */
  function stamp(): string {
    const d = new Date((deps.now ?? Date.now)());
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  }

  async function connect(): Promise<PrestageConnection> {
    const conn = await profiles.connectionWithVersion();
    return { client: conn.client, serverUrl: normaliseBaseUrl(conn.profile.url), profileId: conn.profile.id };
  }

  return {
    async 'prestage:export'(r) {
      const downloads = r.deliver === 'download' ? deps.downloads : undefined;
      if (r.deliver === 'download' && !downloads) {
        throw new AppError('unsupported', 'Downloads are offered in the browser only; choose the folder to write the export to.', 'deliver');
      }
      const loaded = await service.loadForExport(r.offline ? undefined : connect, activeUrl(), r.environmentIds, loadOptions(r));
      if (!downloads) {
        const out = await service.exportTo(loaded.envs, exportRequest({ ...r, outDir: r.outDir ?? '' }));
        return { ...out, source: loaded.source, warnings: loaded.warnings } satisfies PrestageExportView;
      }
      // One archive in a private folder (0700) that only the one-time download reads, then removes.
      const dir = downloads.privateDir();
      try {
        const archiveName = `edgedeck-export-${stamp()}.tar${r.encrypt ? '.age' : ''}`;
        const out = await service.exportTo(loaded.envs, { ...exportRequest({ ...r, outDir: dir }), archive: true, archiveName });
        const download = downloads.register(out.path, { contentType: r.encrypt ? 'application/octet-stream' : 'application/x-tar' });
        return { ...out, path: basename(out.path), source: loaded.source, warnings: loaded.warnings, download } satisfies PrestageExportResult;
      } catch (e) {
        downloads.discard(dir);
        throw e;
      }
    },
    async 'prestage:exportGlobal'(r) {
      const conn = await connect();
      const out = await exportGlobalBundle(conn.client, {
        outDir: r.outDir,
        serverUrl: conn.serverUrl,
        portainerUrl: r.portainerUrl ? normaliseBaseUrl(r.portainerUrl, 'portainerUrl') : conn.serverUrl,
        platform: r.platform,
        ...(r.formats ? { formats: r.formats } : {}),
        ...(r.insecurePoll !== undefined ? { insecurePoll: r.insecurePoll } : {}),
        ...(r.envVars ? { envVars: r.envVars } : {}),
        ...(r.meta ? { meta: r.meta } : {}),
        ...(r.edgeIdGenerator ? { edgeIdGenerator: r.edgeIdGenerator } : {}),
        ...(r.expires ? { expires: r.expires } : {}),
        ...(r.encrypt ? { encrypt: r.encrypt } : {}),
      }, deps.now);
      return out satisfies PrestageGlobalExportView;
    },
    async 'prestage:importPlan'(r) {
      const csv = parseDevicesCsv(r.csv);
      const plan = await service.planImport(await connect(), csv.rows, csv.errors, { createGroups: r.createGroups, createGroupsControl: `tick “${CREATE_GROUPS_LABEL}”` });
      return planView(plan, csv.warnings);
    },
    async 'prestage:importRun'(r) {
      const csv = parseDevicesCsv(r.csv);
      const conn = await connect();
      const plan = await service.planImport(conn, csv.rows, csv.errors, { createGroups: r.createGroups, createGroupsControl: `tick “${CREATE_GROUPS_LABEL}”` });
      const view = planView(plan, csv.warnings);
      if (plan.errors) return { items: [], created: 0, failed: 0, plan: view };
      const builtInTunnel = deps.builtInAddress?.(conn.profileId)?.tunnelAddress;
      const result = await service.runImport(conn, plan, { ...loadOptions(r), portainerUrl: r.portainerUrl ? normaliseBaseUrl(r.portainerUrl, 'portainerUrl') : conn.serverUrl, ...(builtInTunnel ? { builtInTunnel } : {}) });
      const items = result.items.map((i) => ({ row: i.row, name: i.name, action: i.action, ...(i.environmentId !== undefined ? { environmentId: i.environmentId } : {}), ...(i.message ? { message: i.message } : {}) }));
      if (result.envs.length === 0) return { items, created: result.created, failed: result.failed, plan: view };
      const out = await service.exportTo(result.envs, exportRequest(r));
      return { items, created: result.created, failed: result.failed, plan: view, export: { ...out, source: 'server' as const, warnings: [] } };
    },
    async 'prestage:unused'(r) {
      return service.unusedReport(await connect(), r.days);
    },
    async 'prestage:deleteUnused'(r) {
      return service.deleteUnused(await connect(), r.ids, r.confirm);
    },
    'prestage:cached'() {
      const url = profiles.active() ? activeUrl() : undefined;
      const environments = service.cache.list(url).map((e) => ({
        environmentId: e.environmentId,
        name: e.name,
        edgeId: e.edgeId,
        serverUrl: e.serverUrl,
        agentVersion: e.agentVersion,
        platform: e.platform,
        createdAt: e.createdAt,
        lastConfirmedWithServer: e.lastConfirmedWithServer,
      }));
      return { environments } satisfies PrestageCachedView;
    },
    'prestage:defaults'() {
      const home = homedir();
      const downloads = join(home, 'Downloads');
      const baseDir = existsSync(downloads) ? downloads : home;
      // Local time, to the second: an export never overwrites a folder, so each suggestion is new.
      const stem = `edgedeck-export-${stamp()}`;
      let outDir = join(baseDir, stem);
      for (let n = 2; existsSync(outDir) && n < 100; n++) outDir = join(baseDir, `${stem}-${n}`);
      return { outDir, baseDir };
    },
  };
}
