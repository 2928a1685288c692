import { homedir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../services/logging/redact';
import { startLocalServer } from '../../services/localserver';
import { invalidInput } from '../../shared/contract/errors';
import { emulatedNewerWarning, releaseLineFor } from '../../shared/domain/releaseLines';
import { dataFolder } from '../../shared/domain/platformPaths';
import { defineCommand } from '../defineCommand';
import { LOOPBACK, portFlag, withFlagNames } from '../flags';
import { untilStopped } from '../io';
import { sessionLogger } from '../sessionLog';
import { ADMIN_PASSWORD_SECRET } from '../secretFlags';

/** `sim` in the data folder of the OS (shared/domain/platformPaths.ts dataFolder). */
export function defaultSimDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataFolder({ platform: process.platform, env, home: homedir() }), 'sim');
}

export const simCommand = defineCommand({
  name: 'sim',
  usage:
    'edgedeck sim [--host 127.0.0.1] [--port 9443] [--tunnel-port 8000] [--http] [--data DIR]\n' +
    '             [--admin-password-stdin | --admin-password-file FILE | $EDGEDECK_ADMIN_PASSWORD]\n' +
    '             [--portainer-version V] [--edition ce|be] [--no-trust-on-first-connect]\n\n' +
    'Prints one JSON line when ready: {"url","tunnelAddress","username","password","fingerprint","version","edition"}.\n' +
    '--portainer-version emulates that release line (e.g. 2.20.0: ACTIVE tunnels, 15 s REQUIRED timeout) and reports V\n' +
    '(default 2.23.0). --edition be adds the global-key creation, the waiting room and trust; new devices are\n' +
    'trusted on first connect unless --no-trust-on-first-connect.\n' +
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
    'portainer-version': { type: 'string' },
    edition: { type: 'string', default: 'ce' },
    'no-trust-on-first-connect': { type: 'boolean', default: false },
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

    const edition = values.edition;
    if (edition !== 'ce' && edition !== 'be') throw invalidInput('--edition', `use ce (Community Edition) or be (Business Edition), not ${JSON.stringify(edition)}.`);
    const version = values['portainer-version'];
    if (version !== undefined) {
      withFlagNames({ version: '--portainer-version' }, () => releaseLineFor(version, 'version'));
      const warning = emulatedNewerWarning(version);
      if (warning) io.stderr(`edgedeck: warning: ${warning}\n`);
    }
    const dataDir = values.data ?? defaultSimDataDir();
    const redactor = new Redactor();
    redactor.add(adminPassword);
    redactor.add(process.env.AGENT_SECRET);
    const { logger, close: closeLog } = sessionLogger('sim', io, redactor);
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
    if (password === null) io.stderr(`edgedeck: the admin password was printed when ${dataDir} was first used; set a new one with --admin-password-stdin, --admin-password-file FILE or $EDGEDECK_ADMIN_PASSWORD.\n`);

    await untilStopped(io.stopSignal);
    io.stderr('edgedeck: stopping the local server…\n');
    await server.close();
    closeLog();
    return 0;
  },
});
