import { AppError, invalidInput } from '../../shared/contract/errors';
import { decodeEdgeKey, encodeEdgeKey } from '../../shared/domain/edgeKey';
import type { AgentMeta } from '../../shared/domain/types';
import type { PortainerClient } from '../portainer/client';
import { ageEncrypt, type AgeTarget } from './encrypt';
import { buildGlobalBundle, DEFAULT_EDGE_ID_GENERATOR, GLOBAL_FORMATS, type GlobalFormat } from './globalBundle';
import { tarArchive } from './tar';
import { DIR_MODE, SECRET_FILE_MODE } from './types';
import { writeExportAtomically, writeFileAtomically } from './writer';

type GlobalClient = Pick<PortainerClient, 'status' | 'settings' | 'listEnvironments'>;

/**
 * The server's global key (environment id 0). Its tunnel fingerprint exists only inside keys, so
 * it is read from an Edge environment's key; the tunnel address is the Business Edition setting
 * when there is one, else that key's; the URL is the one agents use.
 */
export async function serverGlobalKey(client: GlobalClient, portainerUrl: string, signal?: AbortSignal): Promise<string> {
  const page = await client.listEnvironments({ start: 1, limit: 1, types: [4, 7] }, signal);
  const sample = page.items.find((e) => e.edgeKey)?.edgeKey;
  if (!sample) {
    throw new AppError(
      'not_found',
      "This server has no Edge environment yet, and the tunnel's fingerprint can only be read from an Edge environment's join token. Create one Edge environment first (any name), then export again.",
      'globalKey',
    );
  }
  const fields = decodeEdgeKey(sample);
  let tunnelAddress = fields.tunnelAddress;
  try {
    const settings = await client.settings(signal);
    if (settings.tunnelServerAddress) tunnelAddress = settings.tunnelServerAddress;
  } catch (e) {
    if (!(e instanceof AppError && (e.code === 'forbidden' || e.code === 'not_found'))) throw e;
  }
  return encodeEdgeKey({ portainerUrl, tunnelAddress, tunnelFingerprint: fields.tunnelFingerprint, environmentId: 0 });
}

export interface GlobalExportRequest {
  outDir: string;
  /** The Portainer URL agents use (field 1 of the key). */
  portainerUrl: string;
  serverUrl: string;
  platform?: 'standalone' | 'podman';
  formats?: GlobalFormat[];
  insecurePoll?: boolean;
  envVars?: string;
  meta?: AgentMeta;
  edgeIdGenerator?: string;
  expires?: string;
  encrypt?: AgeTarget;
  scryptWorkFactor?: number;
}

export interface GlobalExportOutcome {
  path: string;
  files: number;
  encrypted: boolean;
  platform: 'standalone' | 'podman';
  agentVersion: string;
}

/** Builds and writes the auto-onboarding bundle (a folder, or one .tar.age with encryption). */
export async function exportGlobalBundle(client: GlobalClient, req: GlobalExportRequest, now: () => number = Date.now): Promise<GlobalExportOutcome> {
  const formats = req.formats?.length ? req.formats : [...GLOBAL_FORMATS];
  for (const f of formats) if (!(GLOBAL_FORMATS as readonly string[]).includes(f)) throw invalidInput('formats', `An auto-onboarding bundle has the formats ${GLOBAL_FORMATS.join(', ')}; "${f}" is not one of them.`);
  const version = (await client.status()).version;
  let agentSecret: string | undefined;
  try {
    agentSecret = (await client.settings()).agentSecret || undefined;
  } catch (e) {
    if (!(e instanceof AppError && (e.code === 'forbidden' || e.code === 'not_found'))) throw e;
  }
  const globalKey = await serverGlobalKey(client, req.portainerUrl);
  const platform = req.platform ?? 'standalone';
  const createdAt = new Date(now()).toISOString();
  const files = buildGlobalBundle({
    globalKey,
    serverUrl: req.serverUrl,
    agentVersion: version,
    platform,
    insecurePoll: req.insecurePoll ?? true,
    ...(agentSecret ? { agentSecret } : {}),
    ...(req.envVars ? { envVars: req.envVars } : {}),
    ...(req.meta ? { meta: req.meta } : {}),
    generator: req.edgeIdGenerator ?? DEFAULT_EDGE_ID_GENERATOR,
    formats,
    ...(req.expires ? { expires: req.expires } : {}),
    createdAt,
  });
  if (!req.encrypt) {
    const w = writeExportAtomically(req.outDir, files);
    return { path: w.outDir, files: w.files, encrypted: false, platform, agentVersion: version };
  }
  const tar = tarArchive(files, 'edgedeck-auto-onboard', DIR_MODE, Math.floor(now() / 1000));
  const path = `${req.outDir.replace(/\/+$/, '')}/edgedeck-auto-onboard-${createdAt.slice(0, 10)}.tar.age`;
  writeFileAtomically(path, await ageEncrypt(tar, req.encrypt, req.scryptWorkFactor), SECRET_FILE_MODE);
  return { path, files: files.length, encrypted: true, platform, agentVersion: version };
}
