import { join } from 'node:path';
import type { Handlers } from '../rpc/dispatcher';
import { createDispatcher, type Dispatcher } from '../rpc/dispatcher';
import { EventHub } from '../rpc/eventHub';
import { edgeToolHandlers } from '../handlers/edgeTools';
import { createSimulatorHandlers } from '../handlers/simulator';
import type { Logger } from '../logging/logger';
import { Redactor } from '../logging/redact';
import { SimulatorService } from '../simulator/simulatorService';
import type { KeyValueStore } from '../stores/keyValueStore';

/**
 * The composition root shared by the Electron shell and `edgedeck serve`: every service, the
 * handlers for every contract call, and the event hub the transports attach to.
 */
export interface AppServicesOptions {
  dataDir: string;
  store: KeyValueStore;
  transport: 'ipc' | 'web';
  logger: Logger;
  /** Start the local Portainer-compatible server on free ports and connect to it (the default experience). */
  embeddedServer: boolean;
  version?: string;
}

export interface AppServices {
  dispatcher: Dispatcher;
  hub: EventHub;
  simulator: SimulatorService;
  close(): Promise<void>;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { logger } = options;
  const hub = new EventHub();
  const redactor = new Redactor();
  const simulator = new SimulatorService({ dataDir: join(options.dataDir, 'local-server'), logger, hub, redactor });
  if (options.embeddedServer) {
    try {
      await simulator.start({ port: 0, tunnelPort: 0, https: true }, { embedded: true });
    } catch (err) {
      // The app stays useful without it (key and command tools, real servers); the Simulator page can retry.
      logger.error('the embedded local server did not start', err);
    }
  }

  const handlers: Handlers = {
    'app:info': () => ({ name: 'Edgedeck', version: options.version ?? '0.1.0', transport: options.transport }),
    ...edgeToolHandlers,
    ...createSimulatorHandlers(simulator),
  };

  return {
    dispatcher: createDispatcher(handlers, logger),
    hub,
    simulator,
    close: () => simulator.close(),
  };
}
