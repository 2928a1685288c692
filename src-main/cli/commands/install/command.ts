/** `edgedeck install`: SSH install to a fleet. The flags and plan are in options.ts, targets in targets.ts, output in output.ts. */
import { EventEmitter, setMaxListeners } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { runFleetInstall, type FleetInstallOptions } from '../../../services/install/fleetInstall';
import { PUSH_NOTE } from '../../../services/install/imagePush';
import { portainerServerApi } from '../../../services/install/portainerServerApi';
import { createLogger } from '../../../services/logging/logger';
import { Redactor } from '../../../services/logging/redact';
import type { PortainerClient } from '../../../services/portainer/client';
import { groupTagCalls } from '../../../services/portainer/groupTagCalls';
import { currentPlatform } from '../../../services/platform/dataFolder';
import { ServerProfiles } from '../../../services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../services/secrets/secretStore';
import { AppKnownHosts, HostKeyDatabase } from '../../../services/ssh/knownHosts';
import { createFileStore } from '../../../services/stores/fileStore';
import type { KeyValueStore } from '../../../services/stores/keyValueStore';
import { AppError, invalidInput } from '../../../shared/contract/errors';
import { resolveGroupAndTags } from '../../../shared/domain/groupsAndTags';
import { sshFolder } from '../../../shared/domain/platformPaths';
import { expandTemplate, parseTarget } from '../../../shared/domain/sshTarget';
import { defineCommand } from '../../defineCommand';
import { intFlag } from '../../flags';
import { reportError, type CliIo, type Command, type TtyAsker } from '../../io';
import { checkServerFlags, connectServer, TLS_HINT } from '../../serverConnection';
import { metaFromFlags } from '../../metaFlags';
import { OPTIONS, plan, SECRETS, USAGE } from './options';
import { hostOk, summaryJson } from './output';
import { cliPrompter } from './prompter';


export interface InstallCommandDeps {
  /** Known hosts / profiles store (default: the data folder's settings file). */
  store?: KeyValueStore;
  /** The terminal for prompts; null: never prompt. Default: the CLI's (standard input when it is a TTY). */
  tty?: TtyAsker | null;
  /** Milliseconds between check-in probes (tests). */
  pollMs?: number;
}

async function groupAndTags(client: PortainerClient, group: string | undefined, tags: string[] | undefined, create: boolean, io: CliIo): Promise<{ groupId?: number; tagIds?: number[] }> {
  const r = await resolveGroupAndTags(groupTagCalls(client, { create, signal: io.stopSignal }), { ...(group ? { group } : {}), ...(tags ? { tags } : {}) });
  if (r.created.group) io.stderr(`edgedeck: created group "${r.created.group.name}" (${r.created.group.id})\n`);
  for (const t of r.created.tags) io.stderr(`edgedeck: created tag "${t.name}" (${t.id})\n`);
  if (r.missing.group) io.stderr(`edgedeck: group "${r.missing.group}" does not exist yet; an install would create it.\n`);
  for (const t of r.missing.tags) io.stderr(`edgedeck: tag "${t}" does not exist yet; an install would create it.\n`);
  return { ...(r.groupId !== undefined ? { groupId: r.groupId } : {}), ...(r.tagIds ? { tagIds: r.tagIds } : {}) };
}

export function makeInstallCommand(deps: InstallCommandDeps = {}): Command {
  const command = defineCommand({
    name: 'install',
    usage: USAGE,
    options: OPTIONS,
    secrets: SECRETS,
    async run({ values, io, hasSecret, secrets: readSecrets }) {
      const redactor = new Redactor();
      let profiles: ServerProfiles | undefined;
      try {
        // ---- everything that can be checked before touching stdin, the server or a host
        const p = plan(values);
        const meta = metaFromFlags(values);
        const auth = checkServerFlags(values, hasSecret);
        const concurrency = intFlag(values.concurrency, '--concurrency', 1, 500);
        const canary = intFlag(values.canary, '--canary', 0);
        const maxFail = intFlag(values['max-fail']?.replace(/%$/, ''), '--max-fail', 0, 100);
        const connectTimeout = intFlag(values['connect-timeout'], '--connect-timeout', 1, 600);
        for (const f of values.identity ?? []) if (!existsSync(f)) throw invalidInput('--identity', `No such key file: ${f}.`);
        for (const f of values['known-hosts'] ?? []) if (!existsSync(f)) throw invalidInput('--known-hosts', `No such file: ${f}.`);
        if (values.jump) parseTarget(values.jump, '--jump');
        const remoteTemplate = values['remote-dir'];
        if (remoteTemplate !== undefined && (!isAbsolute(remoteTemplate) || /\s|\.\./.test(remoteTemplate))) throw invalidInput('--remote-dir', 'Give an absolute folder without spaces or "..", e.g. /etc/portainer-edge.');

        // Standard input carries the secrets when piped; when it is a terminal, they are asked there (no echo).
        const given = await readSecrets();
        const secrets = { server: given[auth]!, ssh: given['ssh-password'], sudo: given['sudo-password'] };
        redactor.add(secrets.server);
        redactor.add(secrets.ssh);
        redactor.add(secrets.sudo);

        // ---- the server
        const logger = createLogger({ scope: 'install', minLevel: 'warn', redactor, sink: (l) => io.stderr(l + '\n') });
        const store = deps.store ?? createFileStore(p.dataDir);
        profiles = new ServerProfiles({ store, secrets: new MemoryOnlySecrets(), redactor, logger });
        const id = await connectServer(values, profiles, io, auth, secrets.server);
        const { client } = await profiles.connection(id);
        await client.authenticate(io.stopSignal);
        const server = portainerServerApi(client);
        let environment = p.environment;
        if (environment.mode === 'create' && (p.group || p.tags)) {
          const gt = await groupAndTags(client, p.group, p.tags, p.mode === 'install', io);
          environment = { ...environment, ...gt };
        }

        // ---- SSH
        const prompter = cliPrompter({ tty: io.tty ?? null, replace: values['replace-existing'] });
        const hostKeys = new HostKeyDatabase({ app: new AppKnownHosts(store), files: values['known-hosts']?.length ? values['known-hosts'] : [join(sshFolder(currentPlatform()), 'known_hosts')] });
        const sshConfigFile = join(sshFolder(currentPlatform()), 'config');
        const hostState = new Map<string, string>();
        const started = Date.now();
        const out = (line: string) => io.stderr(redactor.redact(line) + '\n');
        if (p.mode !== 'install') out(`edgedeck: ${p.mode}: nothing is created or started.`);

        const options: FleetInstallOptions = {
          runsDir: p.runsDir,
          ...(p.targets ? { targets: p.targets } : {}),
          ...(p.resume ? { resumeRunId: p.resume } : {}),
          server,
          environment,
          platform: p.platform,
          insecurePoll: p.insecurePoll,
          ...(values.env ? { envVars: values.env } : {}),
          ...(meta ? { meta } : {}),
          auth: { ...(values.identity?.length ? { identityFiles: values.identity } : {}), ...(secrets.ssh !== undefined ? { password: secrets.ssh } : {}) },
          hostKeys,
          hostKeyPolicy: values['accept-new-host-keys'] ? 'accept-new' : 'strict',
          ...(values.jump ? { jump: values.jump } : {}),
          ...(existsSync(sshConfigFile) ? { sshConfigText: readFileSync(sshConfigFile, 'utf8') } : {}),
          ...(connectTimeout ? { connectTimeoutMs: connectTimeout * 1000 } : {}),
          prompter,
          redactor,
          ...(secrets.sudo !== undefined ? { sudoPassword: secrets.sudo } : {}),
          concurrency: concurrency ?? 10,
          ...(canary !== undefined ? { canary } : {}),
          ...(maxFail !== undefined ? { maxFailPct: maxFail } : {}),
          mode: p.mode,
          replaceExisting: values['replace-existing'] ? 'always' : 'never',
          ...(remoteTemplate ? { remoteDir: (t: string) => expandTemplate(remoteTemplate, t) } : {}),
          signal: io.stopSignal,
          ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
          ...(p.pushImage ? { pushImage: p.pushImage } : {}),
          ...(p.checkinTimeoutS !== undefined ? { checkinTimeoutS: p.checkinTimeoutS } : {}),
          onLog: (target, line) => {
            if (line.startsWith('== ')) out(`${target}: ${line.slice(3)} …`);
            else if (values.verbose || /^\[(fail|warn)\]/.test(line) || line.startsWith(PUSH_NOTE)) out(`${target}:   ${line}`);
          },
          onUpdate: (s) => {
            for (const h of s.hosts) {
              if (hostState.get(h.target) === h.status) continue;
              hostState.set(h.target, h.status);
              if (h.status === 'pending' || h.status === 'running') continue;
              const env = h.environmentId !== undefined ? `environment ${h.environmentId}` : 'no environment';
              const secs = h.ms !== undefined ? `, ${(h.ms / 1000).toFixed(1)} s` : '';
              const ok = hostOk(h, p.mode);
              out(`${h.target}: ${ok ? (p.mode === 'install' ? (h.status === 'unchanged' ? 'unchanged, checked in' : 'checked in') : p.mode === 'dry-run' ? 'dry run ok' : 'preflight passed') : `FAILED (${h.status})`} (${env}${secs})${!ok && h.reason ? ` — ${h.reason}` : ''}`);
            }
          },
        };
        // Every running host adds an abort listener to the run's signal: allow the concurrency without Node's leak warning.
        const listeners = 2 * (concurrency ?? 10) + 10;
        if (EventEmitter.defaultMaxListeners < listeners) setMaxListeners(listeners);
        if (p.resume) out(`edgedeck: resuming run ${p.resume}: the hosts that did not succeed run again.`);
        const summary = await runFleetInstall(options);
        const json = summaryJson(summary, p.runsDir, p.mode, prompter.needs, redactor, Date.now() - started);
        io.stdout(redactor.redact(JSON.stringify(json, null, 2)) + '\n');
        for (const h of summary.hosts) {
          if (h.secretFilesLeft?.length) out(`edgedeck: ${h.target}: a secret file may remain at ${h.secretFilesLeft.join(', ')} (its removal failed; see the transcript). The next run that reaches this host removes it first.`);
        }
        const bad = json.hosts.filter((h) => !hostOk(summary.hosts.find((x) => x.target === h.target)!, p.mode)).length;
        out(
          `edgedeck: run ${summary.runId}: ${summary.hosts.length - bad} of ${summary.hosts.length} host(s) ${p.mode === 'install' ? 'checked in' : p.mode === 'dry-run' ? 'rendered' : 'passed preflight'}${summary.stoppedBecause ? `; stopped: ${summary.stoppedBecause}` : ''}.${bad ? ` Retry the rest with --resume ${summary.runId}.` : ''}`,
        );
        if (io.stopSignal.aborted) return 130;
        return json.ok ? 0 : 1;
      } catch (err) {
        if (io.stopSignal.aborted && !(err instanceof AppError && err.code === 'invalid_input')) {
          io.stderr('edgedeck: cancelled.\n');
          return 130;
        }
        const code = reportError(err instanceof Error ? Object.assign(err, { message: redactor.redact(err.message) }) : err, io);
        if (err instanceof AppError && err.field === 'tls') io.stderr(TLS_HINT);
        return code;
      } finally {
        await profiles?.close();
      }
    },
  });
  // Tests give their own terminal (or none) instead of the process's.
  return { ...command, run: (args, io) => command.run(args, deps.tty !== undefined ? { ...io, tty: deps.tty } : io) };
}

export const installCommand: Command = makeInstallCommand();
