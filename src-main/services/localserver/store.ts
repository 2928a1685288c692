import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import type { Logger } from '../logging/logger';
import { CoalescedFile } from '../stores/coalescedFile';
import { defaultSettings, type DataDocument, type EnvironmentRecord, type GroupRecord, type TagRecord } from './model';

export const DATA_FILE = 'localserver.json';

/** Group 1 always exists (Portainer creates it at init). */
export const UNASSIGNED_GROUP: GroupRecord = { Id: 1, Name: 'Unassigned', Description: 'Unassigned environments', TagIds: [] };

function emptyDocument(): DataDocument {
  return {
    format: 1,
    instanceId: randomUUID(),
    jwtSecret: randomBytes(32).toString('base64'),
    nextIds: { user: 1, apiKey: 1, endpoint: 1, group: 2, tag: 1, edgeGroup: 1 },
    users: [],
    apiKeys: [],
    settings: defaultSettings(),
    environments: [],
    groups: [{ ...UNASSIGNED_GROUP }],
    tags: [],
    edgeGroups: [],
  };
}

function corrupt(file: string, why: string): AppError {
  return new AppError(
    'unavailable',
    `The local server's data file ${file} is unreadable (${why}). It was left untouched. ` +
      `Repair it, or move it away to start with an empty server (environments, users and settings in it would then be lost).`,
  );
}

/** Checks the shape well enough that the server cannot misbehave on a hand-edited file. */
function validate(doc: unknown, file: string): DataDocument {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw corrupt(file, 'not a JSON object');
  const d = doc as Partial<DataDocument>;
  if (d.format !== 1) throw corrupt(file, `unknown format ${JSON.stringify(d.format)}`);
  for (const key of ['users', 'apiKeys', 'environments', 'groups', 'tags'] as const) {
    if (!Array.isArray(d[key])) throw corrupt(file, `"${key}" is not an array`);
  }
  if (typeof d.instanceId !== 'string' || typeof d.jwtSecret !== 'string') throw corrupt(file, 'missing instanceId or jwtSecret');
  if (!d.nextIds || typeof d.nextIds !== 'object') throw corrupt(file, 'missing nextIds');
  if (!d.settings || typeof d.settings !== 'object') throw corrupt(file, 'missing settings');
  for (const e of d.environments!) {
    if (!e || typeof e.Id !== 'number' || typeof e.Name !== 'string' || typeof e.EdgeKey !== 'string') throw corrupt(file, 'an environment lacks Id, Name or EdgeKey');
  }
  const full = d as DataDocument;
  full.settings = { ...defaultSettings(), ...full.settings };
  if (!full.groups.some((g) => g.Id === 1)) full.groups.unshift({ ...UNASSIGNED_GROUP });
  // Files written before Edge groups existed here.
  if (!Array.isArray(full.edgeGroups)) full.edgeGroups = [];
  full.nextIds.edgeGroup ??= 1;
  return full;
}

/** How long check-in-only changes may wait before they are written. */
const LAZY_WRITE_MS = 10_000;

/**
 * The in-memory model and its persistence: one JSON document, written atomically (temp file +
 * rename), coalesced after `debounceMs`, flushed on close. Environments are also indexed by id,
 * name and Edge ID for the hot paths.
 */
export class Store {
  readonly doc: DataDocument;
  readonly file: string;
  readonly envById = new Map<number, EnvironmentRecord>();
  readonly envByName = new Map<string, EnvironmentRecord>();
  readonly envByEdgeId = new Map<string, EnvironmentRecord>();
  /**
   * Portainer's in-memory heartbeats (api/dataservices/endpoint/endpoint.go, 2.23.0): every poll
   * that passes the Edge ID checks sets one, 304s included, and every view of an environment shows
   * it as LastCheckInDate. The stored LastCheckInDate is written only by a full, successful poll;
   * at start the heartbeats are loaded from it.
   */
  private readonly heartbeats = new Map<number, number>();
  private readonly out: CoalescedFile;

  private constructor(
    doc: DataDocument,
    file: string,
    private readonly logger: Logger,
    private readonly debounceMs: number,
  ) {
    this.doc = doc;
    this.file = file;
    this.out = new CoalescedFile(file, () => JSON.stringify(this.doc), { durable: true, onError: (e) => this.logger.error(`could not write ${file}`, e) });
    for (const env of doc.environments) this.index(env);
  }

  static open(dataDir: string, logger: Logger, debounceMs = 250): { store: Store; created: boolean } {
    const file = join(dataDir, DATA_FILE);
    if (!existsSync(file)) {
      const store = new Store(emptyDocument(), file, logger, debounceMs);
      store.markDirty();
      return { store, created: true };
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw corrupt(file, e instanceof Error ? e.message : String(e));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw corrupt(file, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { store: new Store(validate(parsed, file), file, logger, debounceMs), created: false };
  }

  // ---- environments index ---------------------------------------------------------------

  private index(env: EnvironmentRecord): void {
    this.envById.set(env.Id, env);
    this.heartbeats.set(env.Id, env.LastCheckInDate);
    this.envByName.set(env.Name, env);
    if (env.EdgeID) this.envByEdgeId.set(env.EdgeID, env);
  }

  addEnvironment(env: EnvironmentRecord): void {
    this.doc.environments.push(env);
    this.index(env);
    this.markDirty();
  }

  removeEnvironment(id: number): EnvironmentRecord | undefined {
    const env = this.envById.get(id);
    if (!env) return undefined;
    this.envById.delete(id);
    this.heartbeats.delete(id);
    if (this.envByName.get(env.Name) === env) this.envByName.delete(env.Name);
    if (env.EdgeID && this.envByEdgeId.get(env.EdgeID) === env) this.envByEdgeId.delete(env.EdgeID);
    const i = this.doc.environments.indexOf(env);
    if (i >= 0) this.doc.environments.splice(i, 1);
    this.markDirty();
    return env;
  }

  renameEnvironment(env: EnvironmentRecord, name: string): void {
    if (this.envByName.get(env.Name) === env) this.envByName.delete(env.Name);
    env.Name = name;
    this.envByName.set(name, env);
  }

  setEdgeId(env: EnvironmentRecord, edgeId: string): void {
    if (env.EdgeID && this.envByEdgeId.get(env.EdgeID) === env) this.envByEdgeId.delete(env.EdgeID);
    env.EdgeID = edgeId;
    if (edgeId) this.envByEdgeId.set(edgeId, env);
  }

  /** The last check-in as every view shows it (unix s; 0 = never). */
  heartbeat(id: number): number {
    return this.heartbeats.get(id) ?? 0;
  }

  updateHeartbeat(id: number, nowS: number): void {
    if (this.envById.has(id)) this.heartbeats.set(id, nowS);
  }

  /** A successful full poll: the stored check-in time follows the heartbeat. */
  storeCheckIn(env: EnvironmentRecord, nowS: number): void {
    env.LastCheckInDate = nowS;
    this.heartbeats.set(env.Id, nowS);
  }

  group(id: number): GroupRecord | undefined {
    return this.doc.groups.find((g) => g.Id === id);
  }

  tag(id: number): TagRecord | undefined {
    return this.doc.tags.find((t) => t.ID === id);
  }

  nextId(kind: keyof DataDocument['nextIds']): number {
    const id = this.doc.nextIds[kind];
    this.doc.nextIds[kind] = id + 1;
    return id;
  }

  /** The id the next environment will get, without taking it (Portainer's GetNextIdentifier). */
  peekEnvironmentId(): number {
    return this.doc.nextIds.endpoint;
  }

  // ---- persistence -----------------------------------------------------------------------

  /**
   * Schedules a write of the whole document. 'lazy' is for check-in times only: with thousands of
   * agents every full poll would otherwise re-serialise the whole document every `debounceMs`;
   * a lost check-in time costs nothing (the next poll sets it again), and close() flushes anyway.
   */
  markDirty(when: 'soon' | 'lazy' = 'soon'): void {
    this.out.markDirty(when === 'soon' ? this.debounceMs : LAZY_WRITE_MS);
  }

  /** Writes now if anything changed (waits for a write in progress first). */
  flush(): Promise<void> {
    return this.out.flush();
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
