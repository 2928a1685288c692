import { homedir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../services/logging/logger';
import { startLocalServer } from '../../services/localserver';
import { invalidInput } from '../../shared/contract/errors';
import { dataFolder } from '../../shared/domain/platformPaths';
import { defineCommand } from '../defineCommand';
import { LOOPBACK, portFlag } from '../flags';
import { untilStopped } from '../io';
import { ADMIN_PASSWORD_SECRET } from '../secretFlags';

/** `sim` in the data folder of the OS (shared/domain/platformPaths.ts dataFolder). */
export function defaultSimDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataFolder({ platform: process.platform, env, home: homedir() }), 'sim');
}

export const simCommand = defineCommand({
  name: 'sim',
  usage:
    'edgedeck sim [--host 127.0.0.1] [--port 9443] [--tunnel-port 8000] [--http] [--data DIR]\n' +
    '             [--admin-password-stdin | --admin-password-file FILE | $EDGEDECK_ADMIN_PASSWORD]\n\n' +
    'Prints one JSON line when ready: {"url","tunnelAddress","username","password","fingerprint"}.\n' +
    'password is the one given, or the one generated at the first start (null on later starts).\n' +
    'Settings.AgentSecret is taken from the AGENT_SECRET environment variable, as Portainer does.\n' +
    'Logs go to stderr. Stop with Ctrl-C.',
  secrets: [ADMIN_PASSWORD_SECRET],
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9443' },
    'tunnel-port': { type: 'string', default: '8000' },
    http: { type: 'boolean', default: false },
    data: { type: 'string' },
  },
  async run({ values, io, secrets }) {
    const port = portFlag(values.port, '--port');
    const tunnelPort = portFlag(values['tunnel-port'], '--tunnel-port');
    const host = values.host;
    if (!host.trim()) throw invalidInput('--host', 'The host cannot be empty.');
    const adminPassword = (await secrets())['admin-password'];
    if (adminPassword !== undefined && adminPassword.length < 12) {
      throw invalidInput('--admin-password', 'Portainer requires passwords of at least 12 characters; choose a longer one.');
    }
    if (!LOOPBACK.test(host)) io.stderr(`edgedeck: note: listening on ${host}, reachable from other machines; the admin password protects the API, the poll endpoint is public as in Portainer.\n`);

    const dataDir = values.data ?? defaultSimDataDir();
    const logger = createLogger({ scope: 'sim', sink: (line) => io.stderr(line + '\n') });
    const server = await startLocalServer({
      host,
      port,
      tunnelPort,
      https: !values.http,
      dataDir,
      ...(adminPassword !== undefined ? { adminPassword } : {}),
      ...(process.env.AGENT_SECRET ? { agentSecret: process.env.AGENT_SECRET } : {}),
      logger,
    });
    const password = adminPassword ?? server.initialPassword ?? null;
    io.stdout(JSON.stringify({ url: server.url, tunnelAddress: server.tunnelAddress, username: server.username, password, fingerprint: server.fingerprint }) + '\n');
    if (password === null) io.stderr(`edgedeck: the admin password was printed when ${dataDir} was first used; set a new one with --admin-password-stdin, --admin-password-file FILE or $EDGEDECK_ADMIN_PASSWORD.\n`);

    await untilStopped(io.stopSignal);
    io.stderr('edgedeck: stopping the local server…\n');
    await server.close();
    return 0;
  },
});
