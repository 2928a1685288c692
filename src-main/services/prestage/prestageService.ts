import type { AgentMeta } from '../../shared/domain/types';
import { randomUUID } from 'node:crypto';
import { agentImageFor, RunImage, type ImageSource } from '../install/imageArchive';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import { findByName, resolveNames } from '../../shared/domain/groupsAndTags';
import type { EnvironmentView, GroupView, TagView } from '../../shared/schemas/portainer';
import type { PortainerClient } from '../portainer/client';
import { createFieldsFor } from '../portainer/editionFacts';
import type { EdgeIdMemory } from '../profiles/edgeIds';
import { assertBundleable, checkExpires } from './bundle';
import type { PrestageCache } from './cache';
import type { DeviceRow, RowProblem } from './devicesCsv';
import { ageEncrypt, type AgeTarget } from './encrypt';
import { buildExport } from './fleet';
import { tarArchive } from './tar';
import type { BundleFormat, DevicePlatform, ExportFile, ExportOptions, PrestagedEnvironment } from './types';
import { BUNDLE_FORMATS, DIR_MODE, SECRET_FILE_MODE } from './types';
import { writeExportAtomically, writeFileAtomically } from './writer';

/** The part of the Portainer client prestaging uses (tests may pass a fake). */
export type PrestageClient = Pick<
  PortainerClient,
  'status' | 'version' | 'settings' | 'getEnvironment' | 'listEnvironments' | 'createEdgeEnvironment' | 'deleteEnvironment' | 'listGroups' | 'createGroup' | 'listTags' | 'createTag'
>;

/** A server connection as prestaging needs it: the client and the profile's identity. */
export interface PrestageConnection {
  client: PrestageClient;
  /** The server's base URL: the cache's key. */
  serverUrl: string;
  /** The profile ID, for the shared Edge ID memory. */
  profileId: string;
}

export interface PrestageDeps {
  cache: PrestageCache;
  /** The app's Edge ID memory, so the environments page shows the Edge ID a bundle carries. */
  edgeIds?: EdgeIdMemory;
  now?: () => number;
}

export interface LoadOptions {
  /** EDGE_INSECURE_POLL for the bundles (Portainer's default: on). */
  insecurePoll?: boolean;
  envVars?: string;
  /** EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS for every bundle of this export. */
  meta?: AgentMeta;
  /** Overrides the platform of every loaded environment. */
  platform?: DevicePlatform;
}

const isoNow = (now: () => number) => new Date(now()).toISOString();

/** Portainer could not be reached at all (as opposed to answering with an error). */
export function isUnreachable(e: unknown): boolean {
  return e instanceof AppError && (e.code === 'unavailable' || e.code === 'timeout');
}

export class PrestageService {
  private readonly now: () => number;
  constructor(private readonly deps: PrestageDeps) {
    this.now = deps.now ?? Date.now;
  }

  get cache(): PrestageCache {
    return this.deps.cache;
  }

  // ---------------------------------------------------------------------------------------------
  // Loading environments (server first, cache when it is unreachable)

  private async serverFacts(client: PrestageClient): Promise<{ version: string; agentSecret?: string; groups: GroupView[]; tags: TagView[] }> {
    const status = await client.status();
    let agentSecret: string | undefined;
    try {
      agentSecret = (await client.settings()).agentSecret || undefined;
    } catch (e) {
      if (!(e instanceof AppError && (e.code === 'forbidden' || e.code === 'not_found'))) throw e;
    }
    const [groups, tags] = await Promise.all([client.listGroups(), client.listTags()]);
    return { version: status.version, ...(agentSecret ? { agentSecret } : {}), groups, tags };
  }

  private record(conn: PrestageConnection, env: EnvironmentView, facts: { version: string; agentSecret?: string; groups: GroupView[]; tags: TagView[] }, o: LoadOptions & { edgeId?: string; host?: string; createdAt?: string }): PrestagedEnvironment {
    if (!env.edge || !env.edgeKey) throw invalidInput('environments', `Environment ${env.id} ("${env.name}") is not an Edge agent environment; it has no join token to prestage.`);
    const cached = this.deps.cache.get(conn.serverUrl, env.id);
    const fields = decodeEdgeKey(env.edgeKey);
    let edgeId = env.edgeId ?? o.edgeId ?? cached?.edgeId;
    if (!edgeId) edgeId = this.deps.edgeIds ? this.deps.edgeIds.edgeIdFor(conn.profileId, env.id).value : randomUUID();
    if (env.edgeId && o.edgeId && env.edgeId !== o.edgeId) {
      throw new AppError('conflict', `Environment ${env.id} ("${env.name}") is already bound to Edge ID ${env.edgeId}, not ${o.edgeId}; disassociate it in Portainer or use its Edge ID.`, 'edge_id');
    }
    const group = facts.groups.find((g) => g.id === env.groupId);
    const tags = env.tagIds.map((t) => facts.tags.find((x) => x.id === t)?.name).filter((t): t is string => !!t);
    const platform: DevicePlatform = o.platform ?? cached?.platform ?? (env.type === 7 ? 'kubernetes' : env.containerEngine === 'podman' ? 'podman' : 'standalone');
    const insecurePoll = o.insecurePoll ?? cached?.insecurePoll ?? true;
    const envVars = o.envVars ?? cached?.envVars;
    const host = o.host ?? cached?.host;
    const rec: PrestagedEnvironment = {
      environmentId: env.id,
      name: env.name,
      edgeKey: env.edgeKey,
      edgeId,
      serverUrl: conn.serverUrl,
      portainerUrl: fields.portainerUrl,
      tunnelAddress: fields.tunnelAddress,
      fingerprint: fields.tunnelFingerprint,
      agentVersion: facts.version,
      insecurePoll,
      platform,
      tags,
      createdAt: o.createdAt ?? cached?.createdAt ?? isoNow(this.now),
      lastConfirmedWithServer: isoNow(this.now),
    };
    if (facts.agentSecret) rec.agentSecret = facts.agentSecret;
    if (envVars) rec.envVars = envVars;
    if (o.meta) rec.meta = o.meta;
    if (group && group.id !== 1) rec.groupName = group.name;
    if (env.checkinInterval > 0) rec.pollSeconds = env.checkinInterval;
    if (host) rec.host = host;
    return rec;
  }

  /** Reads the environments from the server, refreshes the cache and returns them. */
  async loadFromServer(conn: PrestageConnection, ids: number[], o: LoadOptions = {}): Promise<PrestagedEnvironment[]> {
    const facts = await this.serverFacts(conn.client);
    const out: PrestagedEnvironment[] = [];
    for (const id of ids) {
      const env = await conn.client.getEnvironment(id);
      const rec = this.record(conn, env, facts, o);
      assertBundleable(rec);
      out.push(rec);
    }
    this.deps.cache.putMany(out);
    return out;
  }

  /** The cached records of `ids` on `serverUrl`; missing ones are an error naming them. */
  loadFromCache(serverUrl: string, ids: number[], o: LoadOptions = {}): PrestagedEnvironment[] {
    const missing: number[] = [];
    const out: PrestagedEnvironment[] = [];
    for (const id of ids) {
      const rec = this.deps.cache.get(serverUrl, id);
      if (rec && this.deps.cache.isSealedAway(serverUrl, id)) {
        throw new AppError('unavailable', `The offline copy of environment ${id} ("${rec.name}") keeps its join token in the desktop app's OS keychain, which this process cannot open; export it from the Edgedeck app, or while ${serverUrl} is reachable.`, 'environments');
      }
      if (!rec) missing.push(id);
      else out.push({ ...rec, ...(o.platform ? { platform: o.platform } : {}), ...(o.insecurePoll !== undefined ? { insecurePoll: o.insecurePoll } : {}), ...(o.envVars !== undefined ? { envVars: o.envVars } : {}), ...(o.meta ? { meta: o.meta } : {}) });
    }
    if (missing.length) {
      throw new AppError('unavailable', `The server is unreachable and Edgedeck has no offline copy of environment(s) ${missing.join(', ')} from ${serverUrl}; export them once while the server is reachable.`, 'environments');
    }
    return out;
  }

  /**
   * Server first; when it cannot be reached (or `connect` is undefined: offline on purpose),
   * the cached copies, with a warning saying when they were last confirmed.
   */
  async loadForExport(connect: (() => Promise<PrestageConnection>) | undefined, serverUrl: string, ids: number[], o: LoadOptions = {}): Promise<{ envs: PrestagedEnvironment[]; source: 'server' | 'cache'; warnings: string[] }> {
    if (connect) {
      try {
        const conn = await connect();
        return { envs: await this.loadFromServer(conn, ids, o), source: 'server', warnings: [] };
      } catch (e) {
        if (!isUnreachable(e)) throw e;
        const envs = this.loadFromCache(serverUrl, ids, o);
        return { envs, source: 'cache', warnings: [`The server is unreachable (${(e as Error).message}); exporting from the offline copy. ${confirmedText(envs)}`] };
      }
    }
    const envs = this.loadFromCache(serverUrl, ids, o);
    return { envs, source: 'cache', warnings: [`Offline export from the local copy. ${confirmedText(envs)}`] };
  }

  // ---------------------------------------------------------------------------------------------
  // Bulk pre-creation

  /** The dry run: what would happen to every row. Creates nothing. */
  /**
   * `createGroupsControl`: how the caller's interface lets a user allow new groups (the CLI's flag,
   * the UI's checkbox), so a row error names the control the reader actually has.
   */
  async planImport(conn: PrestageConnection, rows: DeviceRow[], csvErrors: RowProblem[], o: { createGroups?: boolean; createGroupsControl?: string } = {}): Promise<ImportPlan> {
    const client = conn.client;
    const [groups, tags, page] = await Promise.all([client.listGroups(), client.listTags(), client.listEnvironments({})]);
    const byName = new Map(page.items.map((e) => [e.name.toLowerCase(), e]));
    const groupByName = (n: string) => findByName(groups, n);
    const tagByName = (n: string) => findByName(tags, n);
    const items: ImportPlanItem[] = csvErrors.map((p) => ({ row: p.row, name: p.name ?? '', action: 'error' as const, message: p.message }));
    const newGroups = new Set<string>();
    const newTags = new Set<string>();
    for (const r of rows) {
      const existing = byName.get(r.name.toLowerCase());
      if (existing) {
        if (!existing.edge) {
          items.push({ row: r.row, name: r.name, action: 'error', message: `the name "${r.name}" belongs to environment ${existing.id}, which is not an Edge agent environment; rename the device.` });
        } else if (r.edgeId && existing.edgeId && existing.edgeId !== r.edgeId) {
          items.push({ row: r.row, name: r.name, action: 'error', message: `environment ${existing.id} "${existing.name}" exists and is bound to Edge ID ${existing.edgeId}, not ${r.edgeId}; clear the edge_id cell or disassociate it in Portainer.` });
        } else {
          items.push({ row: r.row, name: r.name, action: 'exists', environmentId: existing.id, message: `exists already (environment ${existing.id}); it will be exported, not created again.`, device: r });
        }
        continue;
      }
      if (r.group && !groupByName(r.group)) {
        if (!o.createGroups) {
          items.push({ row: r.row, name: r.name, action: 'error', message: `the group "${r.group}" does not exist on the server (groups: ${groups.map((g) => g.name).join(', ')}); fix the name, create the group in Portainer, or allow creating groups (${o.createGroupsControl ?? 'the option to create missing groups'}).` });
          continue;
        }
        newGroups.add(r.group);
      }
      const missingTags = r.tags.filter((t) => !tagByName(t));
      missingTags.forEach((t) => newTags.add(t));
      const notes = [r.group && !groupByName(r.group) ? `group "${r.group}" will be created` : '', missingTags.length ? `tag(s) ${missingTags.map((t) => `"${t}"`).join(', ')} will be created` : ''].filter(Boolean);
      items.push({ row: r.row, name: r.name, action: 'create', message: `will be created${notes.length ? ` (${notes.join('; ')})` : ''}.`, device: r });
    }
    items.sort((a, b) => a.row - b.row);
    const count = (a: ImportAction) => items.filter((i) => i.action === a).length;
    return { items, create: count('create'), exists: count('exists'), errors: count('error'), newGroups: [...newGroups], newTags: [...newTags], serverEnvironments: page.total };
  }

  /** Creates the planned environments (rows in error are skipped), caches every created or existing one. */
  async runImport(conn: PrestageConnection, plan: ImportPlan, o: LoadOptions & { portainerUrl: string; builtInTunnel?: string; concurrency?: number }): Promise<ImportResult> {
    const client = conn.client;
    const facts = await this.serverFacts(client);
    // Business Edition's create fields are the same for every row: decided once, before anything is created.
    const editionFields = plan.create > 0 ? await createFieldsFor(client, {}, { portainerUrl: o.portainerUrl, ...(o.builtInTunnel ? { builtInTunnel: o.builtInTunnel } : {}) }) : {};
    // Create what the plan found missing (once each, whatever the case of each row's spelling).
    facts.groups.push(...(await resolveNames(facts.groups, plan.newGroups, (name) => client.createGroup({ name }))).created);
    facts.tags.push(...(await resolveNames(facts.tags, plan.newTags, (name) => client.createTag(name))).created);
    const results: ImportResultItem[] = [];
    const envs: PrestagedEnvironment[] = [];
    const work = plan.items.filter((i) => i.action !== 'error');
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const item = work[next++]!;
        const d = item.device!;
        try {
          const createdAt = isoNow(this.now);
          const env =
            item.action === 'exists'
              ? await client.getEnvironment(item.environmentId!)
              : await client.createEdgeEnvironment({
                  name: d.name,
                  portainerUrl: o.portainerUrl,
                  ...(d.poll !== undefined ? { pollSeconds: d.poll } : {}),
                  ...(d.group ? { groupId: findByName(facts.groups, d.group)!.id } : {}),
                  tagIds: d.tags.map((t) => findByName(facts.tags, t)?.id).filter((x) => x !== undefined),
                  ...(d.platform === 'podman' ? { containerEngine: 'podman' as const } : {}),
                  ...editionFields,
                });
          const rec = this.record(conn, env, facts, { ...o, platform: d.platform, ...(d.edgeId ? { edgeId: d.edgeId } : {}), ...(d.host ? { host: d.host } : {}), ...(item.action === 'create' ? { createdAt } : {}) });
          assertBundleable(rec);
          envs.push(rec);
          this.deps.cache.putMany([rec]);
          results.push({ row: item.row, name: d.name, action: item.action === 'create' ? 'created' : 'existing', environmentId: env.id });
        } catch (e) {
          if (isUnreachable(e)) throw e;
          results.push({ row: item.row, name: d.name, action: 'failed', message: e instanceof Error ? e.message : String(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 4, 8)) }, worker));
    results.sort((a, b) => a.row - b.row);
    envs.sort((a, b) => a.environmentId - b.environmentId);
    return { items: results, envs, created: results.filter((r) => r.action === 'created').length, failed: results.filter((r) => r.action === 'failed').length };
  }

  // ---------------------------------------------------------------------------------------------
  // Export

  async exportTo(envs: PrestagedEnvironment[], o: ExportRequest): Promise<ExportOutcome> {
    if (envs.length === 0) throw invalidInput('environments', 'Nothing to export: no environments were given.');
    const formats = o.formats.length ? o.formats : [...BUNDLE_FORMATS];
    for (const f of formats) if (!BUNDLE_FORMATS.includes(f)) throw invalidInput('formats', `Unknown format "${f}"; use any of ${BUNDLE_FORMATS.join(', ')}.`);
    if (o.expires) checkExpires(o.expires);
    const createdAt = isoNow(this.now);
    const options: ExportOptions = { formats, createdAt, ...(o.expires ? { expires: o.expires } : {}), ...(o.labelsIncludeKey ? { labelsIncludeKey: true } : {}) };
    if (o.image) {
      if (o.encrypt || o.archive) throw invalidInput('includeImage', 'The agent image goes into a folder export only (it is large and holds no secret): leave out encryption and the archive option, or export twice.');
      const images = [...new Set(envs.flatMap((e) => (e.platform === 'standalone' || e.platform === 'podman' ? [agentImageFor(e.platform, e.agentVersion)] : [])))];
      if (images.length !== 1) throw invalidInput('includeImage', images.length ? `These environments run different agent images (${images.join(', ')}); export each version on its own with the image.` : 'None of these environments runs the agent with Docker or Podman, which is what the image archive is for.');
      const img = await RunImage.open(o.image, images[0]!);
      try {
        const a = await img.get();
        options.image = { file: `${images[0]!.replace(/^docker\.io\//, '').replace(/[/:]/g, '-')}.tar`, source: a.path, sha256: a.sha256, ...(a.id ? { id: a.id } : {}) };
        const plan = buildExport(envs, options);
        const w = writeExportAtomically(o.outDir, plan.files);
        return { path: w.outDir, files: w.files, devices: envs.length, encrypted: false, layout: exportLayout(plan.files), image: { file: options.image.file, size: a.size, sha256: a.sha256 } };
      } finally {
        img.dispose();
      }
    }
    const plan = buildExport(envs, options);
    if (!o.encrypt && !o.archive) {
      const w = writeExportAtomically(o.outDir, plan.files);
      return { path: w.outDir, files: w.files, devices: envs.length, encrypted: false, layout: exportLayout(plan.files) };
    }
    const root = 'edgedeck-export';
    const tar = tarArchive(plan.files, root, DIR_MODE, Math.floor(this.now() / 1000));
    const data = o.encrypt ? await ageEncrypt(tar, o.encrypt, o.scryptWorkFactor) : tar;
    const path = `${o.outDir.replace(/\/+$/, '')}/${o.archiveName ?? `edgedeck-export-${createdAt.slice(0, 10)}.tar${o.encrypt ? '.age' : ''}`}`;
    writeFileAtomically(path, data, SECRET_FILE_MODE);
    return { path, files: plan.files.length, devices: envs.length, encrypted: Boolean(o.encrypt), layout: exportLayout(plan.files) };
  }

  // ---------------------------------------------------------------------------------------------
  // Unused tokens

  /** Edge environments that never checked in (LastCheckInDate 0), with their age from the cache. */
  async unusedReport(conn: PrestageConnection, days: number): Promise<UnusedReport> {
    if (!Number.isInteger(days) || days < 0) throw invalidInput('days', 'The number of days is a whole number, 0 or more.');
    const page = await conn.client.listEnvironments({});
    const nowMs = this.now();
    const items: UnusedItem[] = [];
    for (const e of page.items) {
      if (!e.edge || e.lastCheckIn > 0) continue;
      const cached = this.deps.cache.get(conn.serverUrl, e.id);
      const created = cached ? Date.parse(cached.createdAt) : NaN;
      const ageDays = Number.isNaN(created) ? null : Math.floor((nowMs - created) / 86_400_000);
      items.push({ environmentId: e.id, name: e.name, createdAt: cached?.createdAt ?? null, ageDays, eligible: ageDays !== null && ageDays >= days });
    }
    return { days, items, eligible: items.filter((i) => i.eligible).map((i) => i.environmentId), unknownAge: items.filter((i) => i.ageDays === null).length };
  }

  /** Deletes the given never-checked-in environments, re-checking each just before; says what it removed. */
  async deleteUnused(conn: PrestageConnection, ids: number[], confirm: boolean): Promise<{ removed: Array<{ id: number; name: string }>; skipped: Array<{ id: number; reason: string }> }> {
    if (!confirm) throw invalidInput('confirm', 'Deleting environments needs an explicit confirmation (CLI: --yes).');
    const removed: Array<{ id: number; name: string }> = [];
    const skipped: Array<{ id: number; reason: string }> = [];
    for (const id of ids) {
      try {
        const e = await conn.client.getEnvironment(id);
        if (!e.edge) skipped.push({ id, reason: 'not an Edge environment' });
        else if (e.lastCheckIn > 0) skipped.push({ id, reason: `an agent checked in at ${new Date(e.lastCheckIn * 1000).toISOString()}; kept` });
        else {
          await conn.client.deleteEnvironment(id);
          removed.push({ id, name: e.name });
          this.deps.cache.remove(conn.serverUrl, [id]);
          this.deps.edgeIds?.forget(conn.profileId, id);
        }
      } catch (err) {
        if (isUnreachable(err)) throw err;
        skipped.push({ id, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { removed, skipped };
  }
}

function confirmedText(envs: PrestagedEnvironment[]): string {
  const oldest = envs.map((e) => e.lastConfirmedWithServer).sort()[0];
  return oldest ? `Data last confirmed with the server at ${oldest} (oldest of ${envs.length}); each manifest.json records its own time.` : '';
}

export type ImportAction = 'create' | 'exists' | 'error';

export interface ImportPlanItem {
  row: number;
  name: string;
  action: ImportAction;
  message: string;
  environmentId?: number;
  device?: DeviceRow;
}

export interface ImportPlan {
  items: ImportPlanItem[];
  create: number;
  exists: number;
  errors: number;
  newGroups: string[];
  newTags: string[];
  /** Environments on the server when the plan was made. */
  serverEnvironments: number;
}

export interface ImportResultItem {
  row: number;
  name: string;
  action: 'created' | 'existing' | 'failed';
  environmentId?: number;
  message?: string;
}

export interface ImportResult {
  items: ImportResultItem[];
  envs: PrestagedEnvironment[];
  created: number;
  failed: number;
}

export interface ExportRequest {
  outDir: string;
  formats: BundleFormat[];
  expires?: string;
  labelsIncludeKey?: boolean;
  encrypt?: AgeTarget;
  /** One archive file in outDir even without encryption: a plain .tar (files keep their modes). */
  archive?: boolean;
  /** Lower scrypt work factor for tests (age's default is 18). */
  scryptWorkFactor?: number;
  archiveName?: string;
  /** --include-image: put the agent image archive in the export (from this computer's engine, or a file). */
  image?: ImageSource;
}

export interface ExportOutcome {
  /** The folder written, or the archive (encrypted, or plain when `archive` was asked). */
  path: string;
  files: number;
  devices: number;
  encrypted: boolean;
  layout: ExportLayout;
  /** The agent image archive written (include-image). */
  image?: { file: string; size: number; sha256: string };
}

/** What an export holds, read off the files really generated (so the UI never guesses). */
export interface ExportLayout {
  /** Files at the export root (fleet.csv, Ansible files, labels). */
  top: string[];
  /** The file names in each device folder (devices/<device>/…); every device gets the same set. */
  perDevice: string[];
}

export function exportLayout(files: ExportFile[]): ExportLayout {
  const top = files.filter((f) => !f.path.includes('/')).map((f) => f.path);
  const first = files.find((f) => f.path.startsWith('devices/'))?.path.split('/')[1];
  const perDevice = first === undefined ? [] : files.filter((f) => f.path.startsWith(`devices/${first}/`)).map((f) => f.path.slice(`devices/${first}/`.length));
  return { top, perDevice };
}

export interface UnusedItem {
  environmentId: number;
  name: string;
  createdAt: string | null;
  ageDays: number | null;
  eligible: boolean;
}

export interface UnusedReport {
  days: number;
  items: UnusedItem[];
  eligible: number[];
  /** Never-checked-in environments Edgedeck did not create or load (no creation date): never deleted in bulk. */
  unknownAge: number;
}
