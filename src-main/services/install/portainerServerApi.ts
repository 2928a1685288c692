import { decodeEdgeKey, encodeEdgeKey } from '../../shared/domain/edgeKey';
import { AppError } from '../../shared/contract/errors';
import type { PortainerClient } from '../portainer/client';
import { createFieldsFor } from '../portainer/editionFacts';
import type { EditionCreateFields } from '../../shared/domain/editionCreateFields';
import type { EnvironmentView } from '../../shared/schemas/portainer';
import type { InstallServerApi } from './fleetInstall';
import type { CheckinState } from './checkinPoller';

export interface PortainerServerApiOptions {
  /** "Tunnel verified" where the server can tell (the local simulator); real Portainer cannot. */
  tunnelVerified?: (environmentId: number) => boolean | undefined;
  /** Opens the tunnel on demand and checks it (the local server's ensureTunnel); see CheckinProbe.verifyTunnel. */
  verifyTunnel?: (environmentId: number, signal?: AbortSignal) => Promise<void>;
  /** The built-in server's real tunnel address: what a Business Edition create sends when its settings have none. */
  builtInTunnel?: string;
}

/** The part of the local server that can tell and open a tunnel (LocalServer satisfies it). */
export interface LocalTunnelSource {
  tunnelAddress: string;
  environmentView(id: number): { tunnelVerified?: boolean } | undefined;
  ensureTunnel(id: number, signal?: AbortSignal): Promise<unknown>;
}

/**
 * The tunnel options for the embedded local server: what it knows of each tunnel, and Portainer's
 * TunnelAddr behaviour (open on demand, wait for the agent) when the installer must verify one.
 * One wiring for the app and the tests, so an install is verified the same way in both.
 */
export function localTunnelOptions(local: LocalTunnelSource): PortainerServerApiOptions {
  return {
    tunnelVerified: (id) => local.environmentView(id)?.tunnelVerified,
    verifyTunnel: async (id, signal) => void (await local.ensureTunnel(id, signal)),
    builtInTunnel: local.tunnelAddress,
  };
}

/**
 * What the fleet installer needs from Portainer, backed by the real REST client. Every call goes
 * through PortainerClient, so TLS pinning, auth and error messages are the same as elsewhere.
 */
export function portainerServerApi(client: PortainerClient, options: PortainerServerApiOptions = {}): InstallServerApi {
  const checkinState = (env: EnvironmentView): CheckinState => {
    const verified = options.tunnelVerified?.(env.id);
    return {
      lastCheckIn: env.lastCheckIn,
      heartbeat: env.heartbeat,
      ...(env.edgeId ? { edgeId: env.edgeId } : {}),
      ...(verified !== undefined ? { tunnelVerified: verified } : {}),
    };
  };
  // Every host of a run gets the same Business Edition fields: ask the server once (again after a failure).
  let editionFields: Promise<EditionCreateFields> | undefined;
  const createFields = (signal?: AbortSignal) => {
    editionFields ??= createFieldsFor(client, {}, { portainerUrl: client.baseUrl, ...(options.builtInTunnel ? { builtInTunnel: options.builtInTunnel } : {}), ...(signal ? { signal } : {}) }).catch((e: unknown) => {
      editionFields = undefined;
      throw e;
    });
    return editionFields;
  };
  return {
    ...(options.verifyTunnel ? { verifyTunnel: options.verifyTunnel } : {}),
    agentVersion: async (signal) => (await client.status(signal)).version,
    settings: async (signal) => {
      const s = await client.settings(signal);
      return { checkinInterval: s.edgeAgentCheckinInterval, agentSecret: s.agentSecret };
    },
    createEnvironment: async (input, signal) => {
      const env = await client.createEdgeEnvironment({ ...input, portainerUrl: client.baseUrl, ...(await createFields(signal)) }, signal);
      return { id: env.id, edgeKey: env.edgeKey ?? '', checkinInterval: env.checkinInterval };
    },
    environment: async (id, signal) => {
      const env = await client.getEnvironment(id, signal);
      return { id: env.id, edgeKey: env.edgeKey ?? '', checkinInterval: env.checkinInterval, ...(env.edgeId ? { edgeId: env.edgeId } : {}) };
    },
    getEnvironment: async (id, signal) => checkinState(await client.getEnvironment(id, signal)),
    getEnvironments: async (ids, signal) => {
      const wanted = new Set(ids);
      const page = await client.listEnvironments({ endpointIds: [...wanted], start: 1, limit: wanted.size }, signal);
      // Older Portainer servers took endpointIds as one JSON array and ignore endpointIds[]: the
      // answer then holds environments nobody asked for.
      if (page.items.some((e) => !wanted.has(e.id))) throw new AppError('unsupported', 'This Portainer server does not filter environments by endpointIds[].');
      return new Map(page.items.map((e) => [e.id, checkinState(e)]));
    },
    previewKey: async (signal) => {
      // The tunnel address and fingerprint exist only inside keys: borrow them from any environment
      // (CE builds every key from the same server values); otherwise assume Portainer's default port.
      const page = await client.listEnvironments({ start: 1, limit: 1 }, signal);
      const sample = page.items[0]?.edgeKey;
      const fields = sample ? decodeEdgeKey(sample) : { tunnelAddress: `${new URL(client.baseUrl).hostname}:8000`, tunnelFingerprint: '' };
      return encodeEdgeKey({ portainerUrl: client.baseUrl, tunnelAddress: fields.tunnelAddress, tunnelFingerprint: fields.tunnelFingerprint, environmentId: 0 });
    },
  };
}
