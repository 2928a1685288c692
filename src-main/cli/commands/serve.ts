import { startBridge } from '../../bridge/bridgeServer';
import { createAppServices } from '../../services/app/appServices';
import { onProcessProblem } from '../../services/logging/crashGuard';
import { Redactor } from '../../services/logging/redact';
import { MemoryOnlySecrets } from '../../services/secrets/secretStore';
import { createFileStore } from '../../services/stores/fileStore';
import { invalidInput } from '../../shared/contract/errors';
import { defineCommand } from '../defineCommand';
import { LOOPBACK } from '../flags';
import { untilStopped } from '../io';
import { openBrowser } from '../openBrowser';
import { sessionLogger } from '../sessionLog';
import { hasDesktop, showFolder } from '../../services/platform/opener';
import { defaultDataDir, rendererBuilt, rendererDir } from '../paths';
import { ensureBuilt } from '../build';
import { packageVersion } from '../version';

export const serveCommand = defineCommand({
  name: 'serve',
  usage:
    'edgedeck serve [--host 127.0.0.1] [--port 0] [--data DIR] [--no-open] [--no-embedded-server]\n\n' +
    'Prints the address to open; it carries a one-time launch token. The bridge binds loopback only.',
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    'no-open': { type: 'boolean', default: false },
    'no-embedded-server': { type: 'boolean', default: false },
  },
  async run({ values, io }) {
    if (!LOOPBACK.test(values.host)) throw invalidInput('--host', `The bridge serves loopback only (127.0.0.1, ::1); "${values.host}" would expose it to the network.`);
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidInput('--port', 'A port is a whole number from 0 (pick a free one) to 65535.');

    await ensureBuilt(io);
    if (!rendererBuilt()) io.stderr('edgedeck: the renderer is not built; only the API is served. Run `npm run build`.\n');

    const dataDir = values.data ?? defaultDataDir();
    const redactor = new Redactor();
    const { logger, folder: logFolder, close: closeLog } = sessionLogger('serve', io, redactor);
    const services = await createAppServices({
      dataDir,
      store: createFileStore(dataDir),
      // No OS keyring from a plain Node process: secrets stay in memory, and the UI says so.
      secrets: new MemoryOnlySecrets(),
      redactor,
      transport: 'web',
      version: packageVersion(),
      logger,
      embeddedServer: !values['no-embedded-server'],
      logFolder,
      ...(hasDesktop() ? { showFolder: (folder: string) => showFolder(folder) } : {}),
    });
    const bridge = await startBridge({ host: values.host, port, dispatcher: services.dispatcher, hub: services.hub, downloads: services.downloads, staticDir: rendererDir, logger });
    // Errors the process guard (cli/main.ts) caught reach the page too, redacted.
    const stopReports = onProcessProblem((p) => services.hub.emit('app:problem', { ...p, message: redactor.redact(p.message) }));
    io.stdout(`Edgedeck is running at ${bridge.url}\n`);
    // The opener's argv is readable by every local user: it gets a one-time code, not the token.
    if (!values['no-open']) openBrowser(bridge.launchUrl(), io);

    await untilStopped(io.stopSignal);
    io.stderr('edgedeck: stopping…\n');
    stopReports();
    await bridge.close();
    await services.close();
    closeLog();
    return 0;
  },
});
