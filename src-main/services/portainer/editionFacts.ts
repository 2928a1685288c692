import { AppError } from '../../shared/contract/errors';
import { editionCreateFields, type EditionCreateFields, type EditionCreateRequest } from '../../shared/domain/editionCreateFields';
import type { Edition } from '../../shared/domain/types';
import type { ServerVersionView } from '../../shared/schemas/portainer';
import type { PortainerClient, ServerSettings } from './client';

/**
 * Where every Edgedeck path that creates an Edge environment learns the server's edition and
 * settings, so Business Edition's create rule (shared/domain/editionCreateFields.ts) is decided
 * from the same facts everywhere: the app, `edgedeck env create`, the SSH install and the CSV import.
 */

/** Settings are reused this long per connection: one create burst or page of details reads them once. */
const SETTINGS_TTL_MS = 30_000;

const settingsCache = new WeakMap<object, { at: number; settings: Promise<ServerSettings | null> }>();

/** /api/system/version's ServerEdition: "EE" is Business Edition; unknown stays unknown. */
export function editionOf(server: ServerVersionView): Edition | undefined {
  return server.edition === 'EE' ? 'be' : server.edition === 'CE' ? 'ce' : undefined;
}

/** The server's settings, or null when this user may not read them (403) or the server has none (404). */
export function settingsOf(client: Pick<PortainerClient, 'settings'>, signal?: AbortSignal): Promise<ServerSettings | null> {
  const hit = settingsCache.get(client);
  if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.settings;
  const settings = client.settings(signal).catch((e: unknown) => {
    if (e instanceof AppError && (e.code === 'forbidden' || e.code === 'not_found')) return null;
    settingsCache.delete(client);
    throw e;
  });
  settingsCache.set(client, { at: Date.now(), settings });
  return settings;
}

export interface CreateFieldsContext {
  /** The Portainer URL the agents reach (the key's first field); the fallback tunnel host comes from it. */
  portainerUrl: string;
  /** The built-in local server's real tunnel address, when the server is that one. */
  builtInTunnel?: string;
  /** The server's version answer when the caller has it already (saves a request). */
  server?: ServerVersionView;
  signal?: AbortSignal;
}

/** The Business Edition fields one Edge environment create on this server needs (none on CE). */
export async function createFieldsFor(client: Pick<PortainerClient, 'version' | 'settings'>, req: EditionCreateRequest, ctx: CreateFieldsContext): Promise<EditionCreateFields> {
  const server = ctx.server ?? (await client.version(ctx.signal));
  return editionCreateFields(editionOf(server), await settingsOf(client, ctx.signal), req, ctx.portainerUrl, ctx.builtInTunnel);
}
