import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../services/logging/logger';
import { startLocalServer } from '../../services/localserver';
import { invalidInput } from '../../shared/contract/errors';
import { releaseLineFor } from '../../shared/domain/releaseLines';
import { withFlagNames } from './key';
import { untilStopped, type Command } from '../io';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** `${XDG_DATA_HOME:-~/.local/share}/edgedeck/sim` */
export function defaultSimDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'edgedeck', 'sim');
}

function portOption(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw invalidInput(flag, `A port is a whole number from 0 (pick a free one) to 65535, not "${value}".`);
  return n;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'Run a local Portainer-compatible server (CE 2.23 by default; other releases and Business Edition on request) that real or simulated Edge agents can check in to.',
  usage:
    'edgedeck sim [--host 127.0.0.1] [--port 9443] [--tunnel-port 8000] [--http] [--data DIR] [--admin-password P]\n' +
    '             [--portainer-version V] [--edition ce|be] [--no-trust-on-first-connect]\n\n' +
    'Prints one JSON line when ready: {"url","tunnelAddress","username","password","fingerprint","version","edition"}.\n' +
    '--portainer-version emulates that release line (e.g. 2.20.0: ACTIVE tunnels, 15 s REQUIRED timeout) and reports V.\n' +
    '--edition be adds the global-key creation, the waiting room and trust; new devices are trusted on first\n' +
    'connect unless --no-trust-on-first-connect.\n' +
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
        'portainer-version': { type: 'string' },
        edition: { type: 'string', default: 'ce' },
        'no-trust-on-first-connect': { type: 'boolean', default: false },
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

    const edition = values.edition;
    if (edition !== 'ce' && edition !== 'be') throw invalidInput('--edition', `use ce (Community Edition) or be (Business Edition), not ${JSON.stringify(edition)}.`);
    const version = values['portainer-version'];
    if (version !== undefined) {
      const { warning } = withFlagNames({ version: '--portainer-version' }, () => releaseLineFor(version, 'version'));
      if (warning) io.stderr(`edgedeck: warning: ${warning.replace('the commands follow', 'the server emulates')}\n`);
    }
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
      ...(version !== undefined ? { version } : {}),
      edition,
      // Business Edition: trust on first connect unless asked otherwise; CE: only when asked off.
      ...(values['no-trust-on-first-connect'] ? { trustOnFirstConnect: false } : edition === 'be' ? { trustOnFirstConnect: true } : {}),
      logger,
    });
    const password = adminPassword ?? server.initialPassword ?? null;
    io.stdout(JSON.stringify({ url: server.url, tunnelAddress: server.tunnelAddress, username: server.username, password, fingerprint: server.fingerprint, version: server.version, edition: server.edition }) + '\n');
    if (password === null) io.stderr(`edgedeck: the admin password was printed when ${dataDir} was first used; pass --admin-password to set a new one.\n`);

    await untilStopped(io.stopSignal);
    io.stderr('edgedeck: stopping the local server…\n');
    await server.close();
    return 0;
  },
};
