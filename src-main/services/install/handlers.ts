import type { ParsedRequest } from '../../shared/contract/calls';
import type { HostKeyDatabase } from '../ssh/knownHosts';
import type { TaskManager } from '../tasks/taskManager';
import { listRuns, newRunId, readRunSummary, readTranscript } from './fleet';
import { listConfigHosts } from '../ssh/sshConfig';
import { NO_SERVER, runFleetInstall, type InstallServerApi } from './fleetInstall';

/**
 * Handlers for ssh:* and tasks:* (the lead spreads them into the app's handler table).
 * ssh:install / ssh:resume return a task id at once; progress, logs and prompts (host key,
 * passphrase, password, sudo password, replace confirmation) arrive as task:* events.
 */
export interface InstallHandlerDeps {
  tasks: TaskManager;
  runsDir: string;
  hostKeys: HostKeyDatabase;
  /** The Portainer connection of a saved server profile (or the selected one). */
  serverApi: (serverId?: string) => Promise<InstallServerApi>;
  sshConfigText?: () => string;
}

/** What a run does, in its title: a preflight-only or dry run installs nothing and must not say it does. */
export function runTitle(mode: 'install' | 'preflight-only' | 'dry-run' | 'connect', plural: string): string {
  switch (mode) {
    case 'connect':
      return `Test the connection to ${plural}`;
    case 'preflight-only':
      return `Preflight checks on ${plural} (nothing installed)`;
    case 'dry-run':
      return `Dry run of the Edge agent install on ${plural} (nothing changed)`;
    case 'install':
      return `Install the Edge agent on ${plural}`;
  }
}

export function createInstallHandlers(d: InstallHandlerDeps) {
  const start = async (req: ParsedRequest<'ssh:install'> | undefined, resume?: ParsedRequest<'ssh:resume'>) => {
    const prev = resume ? readRunSummary(d.runsDir, resume.runId) : undefined;
    const runId = resume?.runId ?? newRunId();
    const o = (req ?? (prev!.options as unknown as ParsedRequest<'ssh:install'>)) as ParsedRequest<'ssh:install'>;
    // A connection test needs no Portainer server (it may run before one is connected).
    const server = o.mode === 'connect' ? NO_SERVER : await d.serverApi(req?.serverId ?? resume?.serverId);
    const total = req?.targets.length ?? prev!.hosts.length;
    const plural = `${total} host${total === 1 ? '' : 's'}`;
    const title = runTitle(o.mode ?? 'install', plural);
    // Once per run, for every host that asks (never stored: the run summary keeps no secret).
    const sshPassword = req?.sshPassword ?? resume?.sshPassword;
    const sudoPassword = req?.sudoPassword ?? resume?.sudoPassword;
    const taskId = d.tasks.create('ssh:install', title, async (ctx) => {
      ctx.redactor.add(sshPassword);
      ctx.redactor.add(sudoPassword);
      const summary = await runFleetInstall({
        runsDir: d.runsDir,
        ...(resume ? { resumeRunId: resume.runId } : { targets: req!.targets, runId }),
        server,
        environment: o.environment,
        platform: o.platform,
        insecurePoll: o.insecurePoll,
        ...(o.envVars ? { envVars: o.envVars } : {}),
        ...(o.meta ? { meta: o.meta } : {}),
        auth: { ...(o.identityFile ? { identityFiles: [o.identityFile] } : {}), ...(sshPassword ? { password: sshPassword } : {}) },
        ...(sudoPassword ? { sudoPassword } : {}),
        hostKeys: d.hostKeys,
        hostKeyPolicy: o.hostKeyPolicy ?? 'ask',
        ...(o.jump ? { jump: o.jump } : {}),
        ...(d.sshConfigText ? { sshConfigText: d.sshConfigText() } : {}),
        prompter: ctx.prompter,
        redactor: ctx.redactor,
        concurrency: o.concurrency ?? 10,
        canary: o.canary ?? 0,
        maxFailPct: o.maxFailPct ?? 100,
        mode: o.mode ?? 'install',
        replaceExisting: o.replaceExisting ?? 'ask',
        ...(o.checkinTimeoutSeconds !== undefined ? { checkinTimeoutS: o.checkinTimeoutSeconds } : {}),
        ...(o.pushImage ? { pushImage: o.pushImage } : {}),
        signal: ctx.signal,
        onLog: (t, l) => ctx.log(`${t}: ${l}`),
        onUpdate: (s) => {
          const done = s.hosts.filter((h) => !['pending', 'running'].includes(h.status)).length;
          ctx.progress(s.hosts.length ? done / s.hosts.length : 0, `${done}/${s.hosts.length} hosts done`);
        },
      });
      return summary;
    });
    return { taskId, runId };
  };
  return {
    'ssh:install': (req: ParsedRequest<'ssh:install'>) => start(req),
    'ssh:resume': (req: ParsedRequest<'ssh:resume'>) => start(undefined, req),
    'ssh:runs': async () => ({ runs: listRuns(d.runsDir) }),
    'ssh:configHosts': async () => ({ hosts: listConfigHosts(d.sshConfigText?.() ?? '') }),
    'ssh:run': async (req: ParsedRequest<'ssh:run'>) => ({ summary: readRunSummary(d.runsDir, req.runId) }),
    'ssh:transcript': async (req: ParsedRequest<'ssh:transcript'>) => ({ transcript: readTranscript(d.runsDir, req.runId, req.target) }),
    'tasks:list': async () => ({ tasks: d.tasks.list() }),
    'tasks:get': async (req: ParsedRequest<'tasks:get'>) => d.tasks.get(req.taskId),
    'tasks:cancel': async (req: ParsedRequest<'tasks:cancel'>) => d.tasks.cancel(req.taskId),
    'tasks:answer': async (req: ParsedRequest<'tasks:answer'>) => {
      d.tasks.answer(req.taskId, req.promptId, req.answer);
      return { answered: true as const };
    },
  };
}
