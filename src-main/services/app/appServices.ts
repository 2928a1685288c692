import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../rpc/dispatcher';
import { createDispatcher, type Dispatcher } from '../rpc/dispatcher';
import { DownloadRegistry } from '../downloads/downloadRegistry';
import { EventHub } from '../rpc/eventHub';
import { edgeToolHandlers } from '../handlers/edgeTools';
import { createPortainerHandlers } from '../handlers/portainer';
import { createPrestageHandlers } from '../handlers/prestage';
import { createKnownHostsHandlers } from '../handlers/knownHosts';
import { createPreferencesHandlers } from './uiPreferences';
import { createSimulatorHandlers } from '../handlers/simulator';
import type { Dialogs } from '../platform/dialogs';
import { createPlatformHandlers } from '../platform/handlers';
import { createInstallHandlers } from '../install/handlers';
import { localTunnelOptions, portainerServerApi } from '../install/portainerServerApi';
import { AppKnownHosts, HostKeyDatabase } from '../ssh/knownHosts';
import { TaskManager } from '../tasks/taskManager';
import type { Logger } from '../logging/logger';
import type { Redactor } from '../logging/redact';
import { sha256OfPem } from '../portainer/fingerprint';
import { ServerProfiles } from '../profiles/serverProfiles';
import type { SecretStore } from '../secrets/secretStore';
import type { SecretSealer } from '../secrets/encryptedSecrets';
import { SimulatorService } from '../simulator/simulatorService';
import type { KeyValueStore } from '../stores/keyValueStore';
import { PRESTAGE_CACHE_KEY } from '../prestage/cache';
import { createPrestageFileStore } from '../prestage/prestageFileStore';
import { currentPlatform } from '../platform/dataFolder';
import { sshFolder } from '../../shared/domain/platformPaths';
import type { ServerAddress } from '../../shared/domain/tokenAddress';

/**
 * The composition root shared by the Electron shell and `edgedeck serve`: every service, the
 * handlers for every contract call, and the event hub the transports attach to.
 */
export interface AppServicesOptions {
  dataDir: string;
  store: KeyValueStore;
  /** safeStorage-backed in Electron, memory-only in serve mode. */
  secrets: SecretStore;
  /** The OS keychain for secrets that must stay at rest (prestaged join tokens); Electron only. */
  sealer?: SecretSealer | undefined;
  /** The redactor behind `logger`: every secret the services handle is registered with it. */
  redactor: Redactor;
  transport: 'ipc' | 'web';
  logger: Logger;
  /** Start the local Portainer-compatible server on free ports and connect to it (the default experience). */
  embeddedServer: boolean;
  /** The app's version from package.json (Electron: app.getVersion(); serve: the CLI reads it), shown in Settings. */
  version: string;
  /** Native dialogs (the Electron shell passes its own); none in the browser. */
  dialogs?: Dialogs;
  /** The session's log folder (and file, from logger.file), for "Open log folder". */
  logFolder?: string;
  /** Shows a folder in the OS's file manager (absent: the UI shows the path). */
  showFolder?: (folder: string) => Promise<void>;
  /** Writes the system clipboard for copy buttons (Electron); absent in serve, where the page copies. */
  writeClipboard?: (text: string) => Promise<void>;
}

export interface AppServices {
  dispatcher: Dispatcher;
  hub: EventHub;
  simulator: SimulatorService;
  profiles: ServerProfiles;
  /** One-time downloads (export archives) the web bridge serves at /downloads/<id>. */
  downloads: DownloadRegistry;
  close(): Promise<void>;
}

/** The server profile that always points at the running local server. */
export const LOCAL_PROFILE_ID = 'local';

/**
 * The prestage cache (join tokens) in its own 0600 file under the data folder, the one the CLI's
 * export uses too. Earlier versions kept it in settings.json: moved out on start, so the general
 * settings file no longer holds join tokens or agent secrets.
 */
function prestageStore(options: AppServicesOptions): KeyValueStore {
  const store = createPrestageFileStore(join(options.dataDir, 'prestage'));
  const old = options.store.get<Record<string, unknown>>(PRESTAGE_CACHE_KEY);
  if (old && typeof old === 'object') {
    store.set(PRESTAGE_CACHE_KEY, { ...old, ...(store.get<Record<string, unknown>>(PRESTAGE_CACHE_KEY) ?? {}) });
    options.store.delete(PRESTAGE_CACHE_KEY);
  }
  return store;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { logger, redactor } = options;
  const hub = new EventHub();
  const downloads = new DownloadRegistry({ logger });
  const profiles = new ServerProfiles({ store: options.store, secrets: options.secrets, redactor, logger });
  const simulator = new SimulatorService({
    dataDir: join(options.dataDir, 'local-server'),
    logger,
    hub,
    redactor,
    edgeIdFor: (environmentId, bound) => profiles.edgeIds.edgeIdFor(LOCAL_PROFILE_ID, environmentId, bound).value,
    onServer: async (server, internalApiKey) => {
      if (!server || !internalApiKey) {
        await profiles.unregisterBuiltIn(LOCAL_PROFILE_ID);
        return;
      }
      // Pinned to the simulator's own self-signed certificate: no "skip verification" even locally.
      await profiles.registerBuiltIn({
        id: LOCAL_PROFILE_ID,
        name: 'Local simulator',
        url: server.url,
        apiKey: internalApiKey,
        tls: server.caPem ? { mode: 'pinned', pinnedSha256: sha256OfPem(server.caPem) } : { mode: 'system' },
      });
      if (!profiles.active()) profiles.select(LOCAL_PROFILE_ID);
    },
  });
  if (options.embeddedServer) {
    try {
      await simulator.start({ port: 0, tunnelPort: 0, https: true }, { embedded: true });
    } catch (err) {
      // The app stays useful without it (key and command tools, real servers); the Simulator page can retry.
      logger.error('the embedded local server did not start', err);
    }
  }

  // Long work (SSH installs) runs as tasks whose progress, logs and prompts go out as events.
  const tasks = new TaskManager({ redactor, emit: (e) => hub.emit(e.name, e.payload as never) });
  const sshDir = sshFolder(currentPlatform());
  const hostKeys = new HostKeyDatabase({ app: new AppKnownHosts(options.store), files: [join(sshDir, 'known_hosts')] });
  const installHandlers = createInstallHandlers({
    tasks,
    runsDir: join(options.dataDir, 'runs'),
    hostKeys,
    serverApi: async (serverId) => {
      const { client, profile } = await profiles.connection(serverId);
      const local = profile.id === LOCAL_PROFILE_ID ? simulator.current()?.server : undefined;
      return portainerServerApi(client, local ? localTunnelOptions(local) : {});
    },
    sshConfigText: () => {
      const file = join(sshDir, 'config');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
  });

  /** Where the embedded local server really listens: tokens are checked against it, and a BE create without a tunnel setting sends its tunnel. */
  const builtInAddress = (profileId: string): ServerAddress | undefined => {
    const local = profileId === LOCAL_PROFILE_ID ? simulator.current()?.server : undefined;
    return local ? { url: local.url, tunnelAddress: local.tunnelAddress } : undefined;
  };

  const handlers: Handlers = {
    'app:info': () => ({ name: 'Edgedeck', version: options.version, transport: options.transport }),
    ...edgeToolHandlers,
    ...createSimulatorHandlers(simulator),
    ...createPortainerHandlers({
      profiles,
      logger,
      builtInAddress,
    }),
    ...installHandlers,
    ...createKnownHostsHandlers(hostKeys),
    ...createPreferencesHandlers(options.store),
    ...createPrestageHandlers({ profiles, store: prestageStore(options), sealer: options.sealer, logger, downloads: options.transport === 'web' ? downloads : undefined, builtInAddress }),
    ...createPlatformHandlers({
      dialogs: options.dialogs,
      transport: options.transport,
      ...(options.logFolder ? { logs: { folder: options.logFolder, ...(logger.file ? { file: logger.file } : {}) } } : {}),
      ...(options.showFolder ? { showFolder: options.showFolder } : {}),
      ...(options.writeClipboard ? { writeClipboard: options.writeClipboard } : {}),
    }),
  };

  return {
    dispatcher: createDispatcher(handlers, logger),
    hub,
    simulator,
    profiles,
    downloads,
    close: async () => {
      // Closing the app cancels running installs: their SSH connections close with the signal.
      for (const t of tasks.list()) if (t.status === 'running') tasks.cancel(t.id);
      await simulator.close();
      await profiles.close();
      downloads.close();
    },
  };
}
