import type { ServerContext } from './context';
import type { FormValues } from './form';
import { badRequest, CiObject, optInt, optString } from './http';
import type { EnvironmentEdgeSettings } from './model';

/**
 * Business Edition's Edge fields of the environment create and update, and its tunnel server
 * address setting (docs/portainer-versions.md, "Tunnel server address" and "Async mode").
 * The Community Edition profile reads none of them, as CE's handler does not.
 */

/** The tunnel address the settings name: the stored one, else (never set) this server's own. */
export function settingsTunnelAddress(ctx: ServerContext): string {
  return ctx.store.doc.settings.Edge.TunnelServerAddress ?? ctx.tunnelAddress;
}

/**
 * The tunnel address of a new environment's key. BE: the form's EdgeTunnelServerAddress, which
 * its API requires when Edge compute is off or the settings have no tunnel address (refused
 * with 400 here; the wording of the refusal is ours). CE: the URL's host and the tunnel port.
 */
export function createTunnelAddress(ctx: ServerContext, form: FormValues, urlHost: string): string {
  if (ctx.edition !== 'be') return `${urlHost}:${ctx.tunnelPort}`;
  const given = form.value('EdgeTunnelServerAddress').trim();
  if (given) return given;
  const fromSettings = settingsTunnelAddress(ctx);
  if (!ctx.store.doc.settings.EnableEdgeComputeFeatures || fromSettings === '') {
    throw badRequest(
      'Invalid request payload',
      'EdgeTunnelServerAddress is required: Edge compute is off or the settings have no tunnel server address (Settings.Edge.TunnelServerAddress)',
    );
  }
  return fromSettings;
}

const INTERVALS = new Set([-1, 0, 60, 3600, 86_400, 604_800]);

function interval(value: number | undefined, name: string): number {
  if (value === undefined) return -1;
  // Extension: upstream's form offers only these values; its server's own check is not public.
  if (!INTERVALS.has(value)) throw badRequest('Invalid request payload', `invalid ${name} value`);
  return value;
}

/** BE: EdgeAsyncMode and the three intervals of the create form; undefined for a standard agent (and always on CE). */
export function createAsyncSettings(ctx: ServerContext, form: FormValues): EnvironmentEdgeSettings | undefined {
  if (ctx.edition !== 'be' || !/^(1|t|true)$/i.test(form.value('EdgeAsyncMode'))) return undefined;
  const int = (name: string) => {
    const raw = form.value(name);
    if (raw === '') return undefined;
    if (!/^[+-]?\d+$/.test(raw)) throw badRequest('Invalid request payload', `invalid ${name} value`);
    return Number(raw);
  };
  return {
    AsyncMode: true,
    PingInterval: interval(int('EdgePingInterval'), 'EdgePingInterval'),
    SnapshotInterval: interval(int('EdgeSnapshotInterval'), 'EdgeSnapshotInterval'),
    CommandInterval: interval(int('EdgeCommandInterval'), 'EdgeCommandInterval'),
  };
}

/** BE: the update payload's `Edge` object (intervals only; the mode is fixed at create). */
export function updateAsyncSettings(ctx: ServerContext, body: CiObject, current: EnvironmentEdgeSettings | undefined): EnvironmentEdgeSettings | undefined {
  const edge = body.get('Edge');
  if (ctx.edition !== 'be' || edge === undefined || edge === null) return current;
  if (typeof edge !== 'object' || Array.isArray(edge)) throw badRequest('Invalid request payload', 'invalid Edge value');
  const o = new CiObject(edge as Record<string, unknown>);
  const base = current ?? { AsyncMode: false, PingInterval: 0, SnapshotInterval: 0, CommandInterval: 0 };
  const pick = (name: 'PingInterval' | 'SnapshotInterval' | 'CommandInterval') => {
    const v = optInt(o, name);
    return v === undefined ? base[name] : interval(v, name);
  };
  return { ...base, PingInterval: pick('PingInterval'), SnapshotInterval: pick('SnapshotInterval'), CommandInterval: pick('CommandInterval') };
}

/** BE: PUT /api/settings's Edge.TunnelServerAddress ('' clears it). */
export function updateTunnelSetting(ctx: ServerContext, body: CiObject): void {
  const edge = body.get('Edge');
  if (ctx.edition !== 'be' || !edge || typeof edge !== 'object') return;
  const address = optString(new CiObject(edge as Record<string, unknown>), 'TunnelServerAddress');
  if (address !== undefined) ctx.store.doc.settings.Edge.TunnelServerAddress = address.trim();
}
