import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../services/logging/logger';
import { startLocalServer } from '../../services/localserver';
import { invalidInput } from '../../shared/contract/errors';
import { dataFolder } from '../../shared/domain/platformPaths';
import { untilStopped, type Command } from '../io';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** `sim` in the data folder of the OS (shared/domain/platformPaths.ts dataFolder). */
export function defaultSimDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataFolder({ platform: process.platform, env, home: homedir() }), 'sim');
}

function portOption(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw invalidInput(flag, `A port is a whole number from 0 (pick a free one) to 65535, not "${value}".`);
  return n;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'Run a local Portainer-compatible server (CE 2.23) that real or simulated Edge agents can check in to.',
  usage:
    'edgedeck sim [--host 127.0.0.1] [--port 9443] [--tunnel-port 8000] [--http] [--data DIR] [--admin-password P]\n\n' +
    'Prints one JSON line when ready: {"url","tunnelAddress","username","password","fingerprint"}.\n' +
    'password is the one given, or the one generated at the first start (null on later starts).\n' +
    'Settings.AgentSecret is taken from the AGENT_SECRET environment variable, as Portainer does.\n' +
    'Logs go to stderr. Stop with Ctrl-C.',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9443' },
        'tunnel-port': { type: 'string', default: '8000' },
        http: { type: 'boolean', default: false },
        data: { type: 'string' },
        'admin-password': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = portOption(values.port, '--port');
    const tunnelPort = portOption(values['tunnel-port'], '--tunnel-port');
    const host = values.host;
    if (!host.trim()) throw invalidInput('--host', 'The host cannot be empty.');
    const adminPassword = values['admin-password'];
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
    if (password === null) io.stderr(`edgedeck: the admin password was printed when ${dataDir} was first used; pass --admin-password to set a new one.\n`);

    await untilStopped(io.stopSignal);
    io.stderr('edgedeck: stopping the local server…\n');
    await server.close();
    return 0;
  },
};
