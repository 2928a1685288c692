import { randomBytes } from 'node:crypto';
import { failureOf } from '../../shared/contract/errors';
import { FAILURE_FIXES } from '../../shared/domain/failures';
import type { SshPlatform } from '../../shared/schemas/run';
import { agentNames } from './agentNames';
import { waitForCheckin } from './checkinWait';
import { dockerStrategy } from './dockerStrategy';
import { planEnvEntries } from './envFile';
import { HostFailure } from './hostFailure';
import { agentImageFor } from './imageArchive';
import type { HostOutcome, InstallHostOptions } from './hostPlan';
import { runPreflight } from './hostPreflight';
import { kubernetesStrategy } from './kubernetesStrategy';
import type { Check } from './preflight';
import { RemoteHost } from './remoteHost';
import { SecretFiles } from './secretFiles';
import { sshFor } from './sshForVerify';
import type { HostBase, HostContext, InstallStrategy, PlatformChecks } from './strategy';

/**
 * One host's install, in the order its transcript shows the steps: preflight, then (unless
 * preflight-only / dry-run) what the start needs brought over (the agent image with
 * --push-image), replacing a different agent, the platform's start (the secrets file,
 * the start command), the wait until the agent runs, and the check-in through Portainer. What
 * differs per platform is the strategy's (strategy.ts); the fleet runner calls this per host.
 */
export async function installOnHost(o: InstallHostOptions): Promise<HostOutcome> {
  const secrets = new SecretFiles(o.transcript);
  const outcome = await installSteps(o, secrets);
  // Whatever happened: the secret files whose removal the host did not confirm (#12.3).
  const left = secrets.left;
  return left.length ? { ...outcome, secretFilesLeft: left } : outcome;
}

async function installSteps(o: InstallHostOptions, secrets: SecretFiles): Promise<HostOutcome> {
  const t = o.transcript;
  const plan = o.plan;
  o.redactor.add(plan.edgeKey);
  o.redactor.add(plan.agentSecret);
  o.redactor.add(o.sudoPassword);
  const mode = o.mode ?? 'install';
  let checks: Check[] = [];
  let commands: string[] | undefined;
  try {
    const strategy = strategyFor(plan.platform);
    const base: HostBase = {
      o,
      plan,
      t,
      host: new RemoteHost(o.conn, t, o.signal),
      names: agentNames(o.agentName),
      image: agentImageFor(plan.platform, plan.agentVersion),
      remoteDir: o.remoteDir ?? '/etc/portainer-edge',
      now: o.now ?? Date.now,
      secrets,
    };

    const pre = await runPreflight(base, strategy);
    const h = pre.h;
    checks = pre.checks;
    if (o.leftoverSecretFiles?.length) await removeLeftovers(h, o.leftoverSecretFiles, pre.canPrivilege);
    if (pre.failed.length) return preflightFailed(checks, pre.failed);
    commands = strategy.commands(h);
    if (mode === 'preflight-only') return { status: 'preflight-ok', checks };
    if (mode === 'dry-run') return await dryRun(h, strategy, pre.found, checks, commands);

    await strategy.prepare(h, pre.found);
    if (pre.action === 'replace') await replaceExisting(h, strategy, checks);
    const ssh = sshFor(o, h.host, () => pre.sudoPassword);
    const started = await strategy.start(h, pre.action, ssh);
    await strategy.waitRunning(h, ssh, started);

    // Through the Portainer API; the SSH connection and slot are given back meanwhile.
    t.step('verify');
    ssh.release();
    const v = await waitForCheckin(h, ssh, strategy, started.sinceEpoch);
    return { status: started.status, checks, commands, ...v };
  } catch (e) {
    return hostFailed(o, e, checks, commands);
  }
}

/**
 * Secret files an earlier run could not remove from this host go first, before anything is
 * written. DECISION: in every mode, dry runs included: it finishes what an earlier run owed the
 * host rather than changing its setup, and each run that leaves them is one more with a copy of
 * the secrets at rest.
 */
async function removeLeftovers(h: HostContext, paths: string[], canPrivilege: boolean): Promise<void> {
  h.t.step('remove leftover secret files');
  if (canPrivilege) return h.secrets.removeLeftovers(h.host, paths);
  for (const p of paths) h.secrets.written(p);
  h.t.note(`an earlier run could not remove ${paths.join(', ')}; without root (or sudo) they cannot be removed this time either`);
  h.t.endStep('warn');
}

function strategyFor(platform: SshPlatform): InstallStrategy {
  return platform === 'kubernetes' ? kubernetesStrategy : dockerStrategy(platform);
}

function preflightFailed(checks: Check[], failed: Check[]): HostOutcome {
  return {
    status: 'failed',
    reason: `preflight: ${failed.map((c) => `${c.title}: ${c.found}`).join('; ')}`,
    reasonCode: 'preflight',
    fix: failed.map((c) => (c.fix ? `${c.title}: ${c.fix}` : '')).filter(Boolean).join(' ') || FAILURE_FIXES.preflight,
    checks,
  };
}

async function dryRun(h: HostContext, strategy: InstallStrategy, found: PlatformChecks, checks: Check[], commands: string[]): Promise<HostOutcome> {
  h.t.step('dry run');
  await strategy.prepare(h, found, { dryRun: true });
  for (const c of commands) h.t.note(`would run: ${c}`);
  h.t.note(`would write ${strategy.secretFile(h)} (0600, root-only folder ${h.remoteDir} 0700) with: ${planEnvEntries(h.plan).map(([n]) => n).join(', ')}`);
  return { status: 'dry-run', checks, commands };
}

/** A different agent runs: asked (or --replace-existing), then removed the platform's way. */
async function replaceExisting(h: HostContext, strategy: InstallStrategy, checks: Check[]): Promise<void> {
  const { o } = h;
  h.t.step('replace existing agent');
  const found = checks.find((c) => c.id === 'existing')?.found;
  const decision = o.replaceExisting ?? 'ask';
  const ok = decision === 'always' || (decision === 'ask' && (await o.prompter.confirm({ target: o.target, message: `${o.target} already runs a different Edge agent (${found}). ${strategy.replaceQuestion(h)}` })));
  if (!ok) throw new HostFailure(`an existing, different Edge agent runs on this host (${found}) and replacing it was not confirmed (use --replace-existing)`, undefined, 'existing-agent');
  await strategy.removeExisting(h);
}

function hostFailed(o: InstallHostOptions, e: unknown, checks: Check[], commands: string[] | undefined): HostOutcome {
  const t = o.transcript;
  const withCommands = commands ? { commands } : {};
  if (o.signal?.aborted) {
    t.note('cancelled');
    return { status: 'failed', reason: 'cancelled', reasonCode: 'cancelled', fix: FAILURE_FIXES.cancelled, checks, ...withCommands };
  }
  const reason = `${t.currentStep ? `${t.currentStep}: ` : ''}${e instanceof Error ? e.message : String(e)}`;
  t.note(`failed: ${reason}`);
  t.endStep('failed');
  const f = failureOf(e);
  return { status: 'failed', reason: o.redactor.redact(reason), reasonCode: f.reason, fix: o.redactor.redact(f.fix), checks, ...(e instanceof HostFailure && e.diagnoses ? { diagnoses: e.diagnoses } : {}), ...withCommands };
}

/** A random Edge ID for a new device (Portainer's UI uses a UUID too). */
export function newEdgeId(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
