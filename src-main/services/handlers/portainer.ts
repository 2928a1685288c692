import { AppError, invalidInput, withCreated } from '../../shared/contract/errors';
import { decodeEdgeKey, inspectEdgeKey } from '../../shared/domain/edgeKey';
import { resolveGroupAndTags, resolveNames } from '../../shared/domain/groupsAndTags';
import { lostAfterSeconds, secondsUntilLost } from '../../shared/domain/heartbeat';
import { tokenAddressWarnings, type ServerAddress } from '../../shared/domain/tokenAddress';
import type { Platform } from '../../shared/domain/types';
import type { Edition } from '../../shared/domain/types';
import { supportedPlatforms } from '../../shared/domain/versions';
import type {
  EdgeGroupView,
  EnvironmentCreateView,
  EnvironmentDetailView,
  EnvironmentPageView,
  EnvironmentView,
  ServerProbeView,
  ServerListView,
  ServerProfileView,
  ServerStatusView,
  ServerVersionView,
} from '../../shared/schemas/portainer';
import type { Logger } from '../logging/logger';
import { PortainerClient } from '../portainer/client';
import { createFieldsFor, editionOf, settingsOf } from '../portainer/editionFacts';
import { groupTagCalls } from '../portainer/groupTagCalls';
import { httpsSuggestionFor } from '../portainer/httpsSuggestion';
import { probeCertificate } from '../portainer/tls';
import { normaliseBaseUrl } from '../portainer/url';
import type { Connection, ProfileInput, ServerProfiles } from '../profiles/serverProfiles';
import type { Handlers } from '../rpc/dispatcher';
import { tunnelAddressNeeded } from '../../shared/domain/tunnelServerAddress';

export type PortainerCallName =
  | 'servers:list'
  | 'servers:probe'
  | 'servers:add'
  | 'servers:update'
  | 'servers:remove'
  | 'servers:select'
  | 'servers:status'
  | 'environments:list'
  | 'environments:get'
  | 'environments:create'
  | 'environments:update'
  | 'environments:delete'
  | 'environments:disassociate'
  | 'environments:agentVersions'
  | 'groups:list'
  | 'groups:create'
  | 'tags:list'
  | 'tags:create'
  | 'edgeGroups:list'
  | 'edgeGroups:create'
  | 'waiting:list'
  | 'waiting:trust'
  | 'servers:settings'
  | 'servers:agentSecret'
  | 'servers:check';

export interface PortainerHandlerDeps {
  profiles: ServerProfiles;
  logger: Logger;
  /** Where a built-in server (the app's local one) really listens, URL and tunnel: tokens are checked against it exactly. */
  builtInAddress?: (profileId: string) => ServerAddress | undefined;
}

/** Portainer's EndpointType of an Edge agent per platform (portainer-edge.md §2.9). */
const platformTypes = { docker: 4, kubernetes: 7 } as const;

function secretFor(auth: 'password' | 'apiKey', req: { password?: string; apiKey?: string }): string | undefined {
  return auth === 'apiKey' ? req.apiKey : req.password;
}

/** Resolves with the connection's server version (first use logs in). */
async function validate(client: PortainerClient): Promise<ServerVersionView> {
  await client.status();
  await client.authenticate();
  return client.version();
}

/**
 * Environment state filter: Portainer's status[] filter only knows up (1) and down (2), and "down"
 * mixes environments that lost their agent with ones that never had one. So with a `state`
 * filter this fetches the whole (server-side filtered: search, groups, tags, types) list, splits
 * it client-side by LastCheckInDate and the server's Heartbeat, and pages the result locally;
 * `total` is then exact for the state. Without `state`, paging and X-Total-Count come from Portainer.
 */
export function createPortainerHandlers(deps: PortainerHandlerDeps): Pick<Handlers, PortainerCallName> {
  const { profiles, logger } = deps;
  function platformsFor(version: string, edition: Edition | undefined): { linux: Platform[]; windows: Platform[] } {
    try {
      return { linux: supportedPlatforms(version, 'linux', edition), windows: supportedPlatforms(version, 'windows', edition) };
    } catch {
      return { linux: [], windows: [] };
    }
  }

  async function detail(conn: Connection & { server: ServerVersionView }, env: EnvironmentView): Promise<EnvironmentDetailView> {
    const settings = await settingsOf(conn.client);
    const warnings: string[] = [];
    const interval = env.checkinInterval > 0 ? env.checkinInterval : (settings?.edgeAgentCheckinInterval ?? 5);
    const lostIn = env.heartbeat ? secondsUntilLost(env.queryDate, env.lastCheckIn, interval) : 0;
    let key: EnvironmentDetailView['key'] = null;
    let keyError: string | undefined;
    if (env.edgeKey) {
      try {
        const fields = decodeEdgeKey(env.edgeKey);
        key = { fields, warnings: inspectEdgeKey(fields) };
        const builtIn = deps.builtInAddress?.(conn.profile.id);
        warnings.push(
          ...(builtIn
            ? tokenAddressWarnings(fields, builtIn, true)
            : tokenAddressWarnings(fields, { url: conn.profile.url, ...(settings?.edgePortainerUrl ? { edgeUrl: settings.edgePortainerUrl } : {}) }, false)),
        );
      } catch (e) {
        keyError = e instanceof Error ? e.message : String(e);
      }
    } else if (env.edge) {
      keyError = 'Portainer returned no Edge key for this environment.';
    }
    const choice = profiles.edgeIds.edgeIdFor(conn.profile.id, env.id, env.edgeId);
    const bound = choice.source === 'server' && env.lastCheckIn > 0;
    if (!env.edge) warnings.push('This is not an Edge environment (type ' + env.type + '); it has no join token.');
    if (env.edge && env.lastCheckIn === 0) {
      warnings.push(
        choice.source === 'generated'
          ? 'No agent has checked in yet. Install the agent with the Edge ID shown: the first agent that polls binds it, and later agents with another Edge ID are refused until you disassociate.'
          : 'No agent has checked in yet; the server chose this Edge ID (EnforceEdgeID), so install the agent with exactly this ID.',
      );
    }
    if (env.agentVersion && env.agentVersion !== conn.server.version) {
      warnings.push(`The agent runs ${env.agentVersion} but the server is ${conn.server.version}; Portainer advises matching the agent version to the server.`);
    }
    const view: EnvironmentDetailView = {
      environment: env,
      key,
      edgeId: { value: choice.value, source: choice.source, bound },
      heartbeat: {
        alive: env.heartbeat,
        state: env.state,
        lastCheckIn: env.lastCheckIn,
        lostInSeconds: lostIn,
        lostAfterSeconds: lostAfterSeconds(interval),
        intervalSeconds: interval,
      },
      serverVersion: conn.server.version,
      platforms: platformsFor(conn.server.version, editionOf(conn.server)),
      ...(editionOf(conn.server) ? { serverEdition: editionOf(conn.server) } : {}),
      agentSecret: settings === null ? 'unknown' : settings.agentSecret ? 'set' : 'none',
      ...(settings && editionOf(conn.server) === 'be' ? { asyncDefaults: settings.asyncDefaults } : {}),
      warnings,
    };
    if (keyError) view.keyError = keyError;
    if (env.agentVersion) view.agentVersion = env.agentVersion;
    return view;
  }

  async function statusOf(id: string | undefined): Promise<ServerStatusView> {
    const p = id ? profiles.get(id) : profiles.active();
    if (!p) return { profile: null, connected: false, insecure: false, warnings: profiles.secrets.warning ? [profiles.secrets.warning] : [] };
    const profile = await profiles.view(p);
    const base: ServerStatusView = { profile, connected: false, insecure: profile.insecure, warnings: [...profile.warnings] };
    try {
      const conn = await profiles.connectionWithVersion(p.id);
      if (!conn.client.loggedIn && conn.client.authKind === 'password') await conn.client.authenticate();
      base.connected = true;
      base.version = conn.server.version;
      if (conn.server.edition) base.edition = conn.server.edition;
    } catch (e) {
      if (!(e instanceof AppError)) {
        logger.error('server status check failed', e);
        throw e;
      }
      base.error = e.toInfo();
      // A failed connection is not cached: the next call tries again.
      await profiles.dropConnection(p.id);
    }
    return base;
  }

  /** A create or update request's group and tags, by id or by name (found, else created; creations go into `created`). */
  async function groupAndTagIds(
    client: PortainerClient,
    req: { groupId?: number; groupName?: string; tagIds?: number[]; tagNames?: string[] },
    created: EnvironmentCreateView['created'],
  ): Promise<{ groupId?: number; tagIds: number[] }> {
    const r = await resolveGroupAndTags(groupTagCalls(client, { create: true }), { ...(req.groupId === undefined && req.groupName ? { group: req.groupName } : {}), ...(req.tagNames?.length ? { tags: req.tagNames } : {}) }, created);
    return { groupId: req.groupId ?? r.groupId, tagIds: [...new Set([...(req.tagIds ?? []), ...(r.tagIds ?? [])])] };
  }

  /** The Edge groups a create names (by id or name); names not on the server are created (and recorded in `created`). */
  async function edgeGroupsFor(client: PortainerClient, req: { edgeGroupIds?: number[]; edgeGroupNames?: string[] }, created: EnvironmentCreateView['created']): Promise<EdgeGroupView[]> {
    if (!req.edgeGroupIds?.length && !req.edgeGroupNames?.length) return [];
    const known = await client.listEdgeGroups();
    const byId = (req.edgeGroupIds ?? []).map((id) => {
      const g = known.find((k) => k.id === id);
      if (!g) throw invalidInput('edgeGroupIds', `There is no Edge group with ID ${id} on this server; pick one from the list or type a new name.`);
      return g;
    });
    const r = await resolveNames(known, req.edgeGroupNames ?? [], (name) => client.createEdgeGroup(name), (g) => (created.edgeGroups ??= []).push(g));
    return [...new Map([...byId, ...r.found].map((g) => [g.id, g])).values()];
  }

  /** What a create or update made before it failed, one item each (withCreated names them). */
  function createdItems(created: EnvironmentCreateView['created']): string[] {
    return [
      ...(created.group ? [`group "${created.group.name}" (ID ${created.group.id})`] : []),
      ...created.tags.map((t) => `tag "${t.name}" (ID ${t.id})`),
      ...(created.edgeGroups ?? []).map((g) => `Edge group "${g.name}" (ID ${g.id})`),
    ];
  }

  function portainerUrlFor(requested: string | undefined, profileUrl: string): string {
    const url = normaliseBaseUrl(requested && requested.trim() !== '' ? requested : profileUrl, 'portainerUrl');
    if (new URL(url).hostname.toLowerCase() === 'localhost') {
      throw invalidInput('portainerUrl', 'Portainer refuses "localhost" as the URL for agents: use an address or name the Edge devices can reach (127.0.0.1 works for agents on this machine).');
    }
    return url;
  }

  return {
    'servers:list': async () => {
      const list = profiles.list();
      const views: ServerProfileView[] = [];
      for (const p of list) views.push(await profiles.view(p));
      const out: ServerListView = { profiles: views, secretsPersistent: profiles.secrets.persistent };
      const activeId = profiles.activeId();
      if (activeId) out.activeId = activeId;
      if (profiles.secrets.warning) out.secretsWarning = profiles.secrets.warning;
      return out;
    },

    'servers:probe': async ({ url }) => {
      const base = normaliseBaseUrl(url);
      const https = base.startsWith('https:');
      const view: ServerProbeView = { url: base, https, certificate: null, warnings: [] };
      if (!https) view.warnings.push('This address uses http://: the password or API key would travel unencrypted.');
      let client: PortainerClient | undefined;
      try {
        if (https) {
          // An untrusted certificate is said by certificate.trustedBySystem / untrustedReason; the form asks about it.
          view.certificate = await probeCertificate(base);
        }
        // Ask for the version over exactly the connection just inspected.
        const tls = !https ? { mode: 'system' as const } : view.certificate?.trustedBySystem ? { mode: 'system' as const } : { mode: 'pinned' as const, pinnedSha256: view.certificate!.sha256 };
        client = new PortainerClient({ url: base, tls, getAttempts: 1 });
        view.portainerVersion = (await client.status()).version;
      } catch (e) {
        if (!(e instanceof AppError) && !(e instanceof Error)) throw e;
        if (view.certificate === null && https) {
          // The TLS connection itself failed: map it like a request would.
          const c = new PortainerClient({ url: base, tls: { mode: 'insecure' }, getAttempts: 1 });
          try {
            await c.status();
          } catch (inner) {
            throw inner instanceof AppError ? inner : new AppError('unavailable', `Could not reach ${base}: ${(e as Error).message}`, 'url');
          } finally {
            await c.close();
          }
        }
        view.versionError = e instanceof AppError ? e.message : `Could not ask the server for its version: ${(e as Error).message}`;
      } finally {
        await client?.close();
      }
      if (!https) {
        const suggestion = await httpsSuggestionFor(base, view.portainerVersion !== undefined);
        if (suggestion) view.httpsSuggestion = suggestion;
      }
      return view;
    },

    'servers:add': async (req) => {
      const secret = secretFor(req.auth, req);
      if (!secret) throw invalidInput(req.auth === 'apiKey' ? 'apiKey' : 'password', req.auth === 'apiKey' ? 'Enter the API key.' : 'Enter the password.');
      const input: ProfileInput = { name: req.name, url: req.url, auth: req.auth, username: req.username, tls: req.tls, rememberSecret: req.rememberSecret };
      if (profiles.findByName(req.name)) throw new AppError('conflict', `A server named "${req.name}" exists already; choose another name.`, 'name');
      const client = profiles.connectDraft(input, secret);
      let server: ServerVersionView;
      try {
        server = await validate(client);
      } catch (e) {
        await client.close();
        throw e;
      }
      const profile = await profiles.add(input, secret);
      await profiles.adopt(profile.id, client, server);
      if (req.select) profiles.select(profile.id);
      return { profile: await profiles.view(profile), server };
    },

    'servers:update': async (req) => {
      const current = profiles.get(req.id);
      const auth = req.auth ?? current.auth;
      const newSecret = secretFor(auth, req);
      const connectionChanged =
        newSecret !== undefined ||
        (req.url !== undefined && normaliseBaseUrl(req.url) !== current.url) ||
        (req.auth !== undefined && req.auth !== current.auth) ||
        (req.username !== undefined && req.username !== current.username) ||
        req.tls !== undefined;
      let server: ServerVersionView | undefined;
      if (connectionChanged && !current.builtIn) {
        const identityChanged = (req.url !== undefined && normaliseBaseUrl(req.url) !== current.url) || auth !== current.auth || (req.username !== undefined && req.username !== current.username);
        const secret = newSecret ?? (identityChanged ? undefined : await profiles.secrets.get(`portainer.${current.id}`));
        if (!secret) throw invalidInput(auth === 'apiKey' ? 'apiKey' : 'password', `Enter the ${auth === 'apiKey' ? 'API key' : 'password'} to check the changed connection.`);
        const input: ProfileInput = {
          name: req.name ?? current.name,
          url: req.url ?? current.url,
          auth,
          username: req.username ?? current.username,
          tls: req.tls ?? current.tls,
          rememberSecret: req.rememberSecret ?? current.rememberSecret,
        };
        const client = profiles.connectDraft(input, secret);
        try {
          server = await validate(client);
        } catch (e) {
          await client.close();
          throw e;
        }
        const updated = await profiles.update(req.id, input, secret);
        await profiles.adopt(updated.id, client, server);
        return { profile: await profiles.view(updated), server };
      }
      const patch: Partial<ProfileInput> = {};
      if (req.name !== undefined) patch.name = req.name;
      if (req.rememberSecret !== undefined) patch.rememberSecret = req.rememberSecret;
      const updated = await profiles.update(req.id, patch);
      return { profile: await profiles.view(updated) };
    },

    'servers:remove': async ({ id }) => {
      await profiles.remove(id);
      return { removed: id };
    },

    'servers:select': async (req) => {
      const p = profiles.select(req.id);
      const secret = secretFor(p.auth, req);
      if (secret) await profiles.provideSecret(p.id, secret);
      return statusOf(p.id);
    },

    'servers:status': async () => statusOf(undefined),

    'environments:list': async (req) => {
      const conn = await profiles.connection();
      const types = req.platform ? [platformTypes[req.platform]] : req.edgeOnly ? [4, 7] : undefined;
      const base = { search: req.search, sort: req.sort, order: req.order, groupIds: req.groupIds, tagIds: req.tagIds, types, agentVersions: req.agentVersions };
      if (!req.state) return conn.client.listEnvironments({ ...base, start: req.start, limit: req.limit });
      const all = await conn.client.listEnvironments(base);
      const matching = all.items.filter((e) => e.state === req.state);
      const from = (req.start ?? 1) - 1;
      const items = req.limit ? matching.slice(from, from + req.limit) : matching.slice(from);
      const page: EnvironmentPageView = { items, total: matching.length };
      return page;
    },

    'environments:get': async ({ id }) => {
      const conn = await profiles.connectionWithVersion();
      return detail(conn, await conn.client.getEnvironment(id));
    },

    'environments:create': async (req) => {
      const conn = await profiles.connectionWithVersion();
      const client = conn.client;
      const portainerUrl = portainerUrlFor(req.portainerUrl, conn.profile.url);
      const created: EnvironmentCreateView['created'] = { tags: [] };
      let env: EnvironmentView;
      try {
        const { groupId, tagIds } = await groupAndTagIds(client, req, created);
        const builtInTunnel = deps.builtInAddress?.(conn.profile.id)?.tunnelAddress;
        const bySettings = await createFieldsFor(client, req, { portainerUrl, server: conn.server, ...(builtInTunnel ? { builtInTunnel } : {}) });
        const edgeGroups = await edgeGroupsFor(client, req, created);
        env = await client.createEdgeEnvironment({ name: req.name, portainerUrl, pollSeconds: req.pollSeconds, groupId, tagIds, containerEngine: req.containerEngine, ...bySettings });
        // Portainer's create form has no Edge group field: membership is the group's own list.
        for (const g of edgeGroups) {
          await client.addToEdgeGroup(g, env.id).catch((e: unknown) => {
            const why = e instanceof Error ? e.message : String(e);
            throw new AppError('internal', `Environment "${env.name}" (ID ${env.id}) was created, but adding it to Edge group "${g.name}" failed: ${why} Add it to the group in Portainer, or delete the environment and try again.`, 'edgeGroupIds');
          });
        }
      } catch (e) {
        throw withCreated(e, createdItems(created));
      }
      const view = await detail(conn, env);
      return { ...view, created };
    },

    'environments:update': async (req) => {
      const conn = await profiles.connectionWithVersion();
      const created: EnvironmentCreateView['created'] = { tags: [] };
      let env: EnvironmentView;
      try {
        const { groupId, tagIds } = await groupAndTagIds(conn.client, req, created);
        // Tags untouched unless the request names some (by id or by name).
        if (req.asyncIntervals && !(await conn.client.getEnvironment(req.id)).async) {
          throw invalidInput('asyncIntervals', `Environment ${req.id} is not an async Edge environment: its agent polls on the check-in interval; change that instead.`);
        }
        env = await conn.client.updateEnvironment(req.id, { name: req.name, groupId, tagIds: req.tagIds || req.tagNames ? tagIds : undefined, pollSeconds: req.pollSeconds, asyncIntervals: req.asyncIntervals });
      } catch (e) {
        throw withCreated(e, createdItems(created));
      }
      return detail(conn, env);
    },

    'environments:delete': async ({ id }) => {
      const conn = await profiles.connection();
      await conn.client.deleteEnvironment(id);
      profiles.edgeIds.forget(conn.profile.id, id);
      return { deleted: id };
    },

    'environments:disassociate': async ({ id }) => {
      const conn = await profiles.connectionWithVersion();
      await conn.client.disassociate(id);
      return detail(conn, await conn.client.getEnvironment(id));
    },

    'environments:agentVersions': async () => ({ versions: await (await profiles.connection()).client.listAgentVersions() }),

    'groups:list': async () => ({ groups: await (await profiles.connection()).client.listGroups() }),
    'groups:create': async ({ name, description }) => (await profiles.connection()).client.createGroup({ name, description }),
    'tags:list': async () => ({ tags: await (await profiles.connection()).client.listTags() }),
    'tags:create': async ({ name }) => (await profiles.connection()).client.createTag(name),
    'edgeGroups:list': async () => ({ edgeGroups: await (await profiles.connection()).client.listEdgeGroups() }),
    'edgeGroups:create': async ({ name }) => (await profiles.connection()).client.createEdgeGroup(name),
    'waiting:list': async () => ({ items: (await (await profiles.connection()).client.listEnvironments({ untrusted: true, types: [4, 7], limit: 1000 })).items }),
    'waiting:trust': async ({ ids, groupId, tagIds, edgeGroupIds }) => {
      await (await profiles.connection()).client.trustEnvironments(ids, { ...(groupId !== undefined ? { groupId } : {}), ...(tagIds ? { tagIds } : {}), ...(edgeGroupIds ? { edgeGroupIds } : {}) });
      return { trusted: ids };
    },

    'servers:settings': async () => {
      const conn = await profiles.connectionWithVersion();
      const settings = await settingsOf(conn.client);
      const edition = editionOf(conn.server);
      return {
        edgePortainerUrl: settings?.edgePortainerUrl ?? '',
        checkinInterval: settings?.edgeAgentCheckinInterval ?? 5,
        enforceEdgeId: settings?.enforceEdgeId ?? false,
        agentSecret: settings === null ? 'unknown' : settings.agentSecret ? 'set' : 'none',
        ...(edition ? { edition } : {}),
        tunnelAddressNeeded: tunnelAddressNeeded(edition, settings),
        tunnelServerAddress: settings?.tunnelServerAddress ?? '',
        ...(settings && edition === 'be' ? { asyncDefaults: settings.asyncDefaults } : {}),
      };
    },

    // The secret leaves main only here, on the user's explicit reveal or copy. Never logged: the
    // client registered it with the redactor when it read the settings.
    'servers:agentSecret': async () => {
      const settings = await settingsOf((await profiles.connection()).client);
      if (settings === null) throw new AppError('forbidden', 'Only an administrator can read the agent secret (Settings → AGENT_SECRET) of this server.');
      return { agentSecret: settings.agentSecret };
    },

    'servers:check': async ({ id }) => {
      const target = id ?? profiles.activeId();
      if (target) await profiles.dropConnection(target);
      return statusOf(target);
    },
  };
}
