import { lookup } from 'node:dns/promises';
import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import { checkClock, checkDns, checkHttps, checkOs, checkPrivileges, checkTunnel, hideExistingSection, parseProbe, parseWhich, probeScript, type Check } from './preflight';
import type { ExistingAction, HostBase, HostContext, InstallStrategy, PlatformChecks } from './strategy';

export interface PreflightResult {
  /** Every check in the order the transcript and the UI show them. */
  checks: Check[];
  failed: Check[];
  /** What to do about an agent already on the host. */
  action: ExistingAction;
  /** What the platform's part found (for the strategy's prepare()). */
  found: PlatformChecks;
  /** The host with its runtime found (for the strategy's next steps). */
  h: HostContext;
  /** Privileged commands can run (root, or sudo without or with a given password). */
  canPrivilege: boolean;
  /** The sudo password, when sudo needs one and it was given or asked for. */
  sudoPassword?: string;
}

/**
 * The one preflight, every platform: a single probe exec (OS, identity, sudo, PATH, DNS, HTTPS,
 * tunnel port, clock, and for Docker-like engines `info`, the existing agent and the image),
 * the sudo password when sudo needs one, then the platform's own checks (the strategy's).
 * Nothing is changed on the host.
 */
export async function runPreflight(b: HostBase, strategy: InstallStrategy): Promise<PreflightResult> {
  const { o, t, host, plan, now } = b;
  t.step('preflight');
  const key = decodeEdgeKey(plan.edgeKey);
  const portainerHost = new URL(key.portainerUrl).hostname.replace(/^\[|\]$/g, '');
  const tIdx = key.tunnelAddress.lastIndexOf(':');
  const tunnelHost = key.tunnelAddress.slice(0, tIdx).replace(/^\[|\]$/g, '');
  const tunnelPort = Number(key.tunnelAddress.slice(tIdx + 1));
  // Docker/Podman: `info` and the existing agent's inspect ride in the same probe (run as root or
  // with `sudo -n` when possible), so the whole preflight is one exec for most hosts.
  const runtimeProbe = strategy.probe(b);
  const [probe, desktopResolved] = await Promise.all([
    host.run(probeScript({ portainerUrl: key.portainerUrl, portainerHost, tunnelHost, tunnelPort, ...(runtimeProbe ? { runtime: runtimeProbe } : {}) }), { timeoutMs: 60_000, quietStdout: hideExistingSection }),
    (o.resolveOnDesktop ?? defaultResolve)(portainerHost).catch(() => [] as string[]),
  ]);
  const s = parseProbe(probe.stdout);
  const which = parseWhich(s.which);
  const checks: Check[] = [checkOs(s.uname, s.osrelease)];

  const priv = checkPrivileges(s.id, s.sudo, which, o.sudoPassword !== undefined);
  host.privilege = priv.privilege;
  let sudoPassword = o.sudoPassword;
  if (priv.privilege === 'sudo-password') {
    const pw = o.sudoPassword ?? (await o.prompter.secret({ kind: 'sudo', target: o.target, message: `sudo password for ${o.target}` }));
    if (pw === undefined) {
      priv.check.status = 'fail';
      priv.check.fix = 'Give the sudo password (--sudo-password-stdin or the prompt).';
    } else {
      o.redactor.add(pw);
      host.setSudoPassword(pw);
      sudoPassword = pw;
      priv.check.status = 'pass';
      priv.check.found = priv.check.found.replace(': sudo needs a password', ' with sudo (password sent on stdin)');
    }
  }
  checks.push(priv.check);

  const h: HostContext = { ...b, runtime: which[strategy.runtimeBin] ?? strategy.runtimeBin, which };
  const canPrivilege = priv.privilege !== 'none' && priv.check.status === 'pass';
  const platform = await strategy.preflight(h, { sections: s, canPrivilege, ...(sudoPassword !== undefined ? { sudoPassword } : {}) });
  checks.push(...platform.checks);
  checks.push(checkDns(portainerHost, s.dns, desktopResolved));
  checks.push(checkHttps(key.portainerUrl, s.https, s.https_k, plan.insecurePoll));
  checks.push(checkTunnel(key.tunnelAddress, s.tunnel));
  checks.push(checkClock(s.date, Math.floor(now() / 1000)).check);
  if (platform.existing) checks.push(platform.existing.check);

  for (const c of checks) t.note(`[${c.status}] ${c.title}: ${c.found}${c.fix && c.status !== 'pass' ? ` — fix: ${c.fix}` : ''}`);
  const failed = checks.filter((c) => c.status === 'fail');
  t.endStep(failed.length ? 'failed' : checks.some((c) => c.status === 'warn') ? 'warn' : 'ok');
  return { checks, failed, action: platform.existing?.action ?? 'install', found: platform, h, canPrivilege, ...(sudoPassword !== undefined ? { sudoPassword } : {}) };
}

async function defaultResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}
