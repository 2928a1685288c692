import { isIP } from 'node:net';
import { causeLine } from '../../shared/domain/cliError';
import { tunnelHostPort } from '../../shared/domain/hostPort';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { Platform } from '../../shared/domain/types';

/**
 * Preflight on the target: each check is a pure function over command outputs (unit-tested),
 * and a thin runner (runPreflight in hostPreflight.ts, with the strategy's platform part) gathers those outputs over SSH.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  found: string;
  fix?: string;
}

export interface ProbeSection {
  out: string;
  rc: number;
}

const MARK = '@@edgedeck';

/** The container runtime questions of the preflight: `info` and the existing agent's inspect (both need root). */
export interface RuntimeProbe {
  /** Program name looked up with `command -v` (docker, podman). */
  bin: string;
  infoFormat: string;
  /** `inspect --type container portainer_edge_agent` or `service inspect portainer_edge_agent`. */
  existing: string;
  /** The agent image: is it on the host, else can the engine pull it (bounded)? */
  image?: string;
  /** No pull probe: the image will be pushed from this computer when it is missing (--push-image). */
  noPull?: boolean;
}

/** How long preflight lets the engine try to pull a missing agent image (a registry probe). */
export const IMAGE_PULL_PROBE_S = 20;

/** Transcript summary for the `existing` section: the inspect JSON holds the agent env (join token, secret). */
export const EXISTING_NOT_RECORDED = '(inspect JSON not recorded: it holds the agent env)';

/**
 * The `info` and `existing` sections in the probe format, run with `$ep "$rt" …` ($ep: privilege
 * prefix, $rt: runtime path, both set by the caller's script). `existing` only when info worked;
 * its stderr goes to the exec's stderr (fd 3), not into the JSON.
 */
function runtimeSections(r: RuntimeProbe): string {
  return [
    `echo '${MARK} info'; ( $ep "$rt" info --format ${shellQuote(r.infoFormat)} ) 2>&1; irc=$?; echo "${MARK}-rc $irc"`,
    `if [ "$irc" -eq 0 ]; then echo '${MARK} existing'; ( $ep "$rt" ${r.existing} ) 2>&3; echo "${MARK}-rc $?"; fi`,
    // The exact tag on the host ("present <image ID>"), else a pull bounded by timeout(1): pulled →
    // "pulled", else the pull's last lines and its exit code (124: timed out). With noPull: "missing", exit 1.
    ...(r.image
      ? [
          `if [ "$irc" -eq 0 ]; then echo '${MARK} image'; ( if id=$($ep "$rt" image inspect --format '{{.Id}}' ${shellQuote(r.image)} 2>/dev/null); then echo "present $id"; else ${r.noPull ? 'echo missing; exit 1' : `out=$(timeout ${IMAGE_PULL_PROBE_S} $ep "$rt" pull ${shellQuote(r.image)} 2>&1); prc=$?; printf '%s\\n' "$out" | tail -n 4; [ $prc -eq 0 ] && echo pulled; exit $prc`}; fi ) 2>&1; echo "${MARK}-rc $?"; fi`,
        ]
      : []),
  ].join('\n');
}

/**
 * The runtime sections as one privileged script (for sudo with a password, which the probe cannot
 * use: run it through RemoteHost with privileged: true, so the password goes on stdin).
 */
export function runtimeScript(runtimePath: string, r: RuntimeProbe): string {
  return runtimeBody(shellQuote(runtimePath), r);
}

/** The runtime sections as a script of their own, the runtime's path given as the shell word `rt`. */
function runtimeBody(rt: string, r: RuntimeProbe): string {
  return `exec 3>&2; ep=''; rt=${rt}\n${runtimeSections(r)}`;
}

/** The probe's output for the transcript: the existing agent's inspect holds its env (secrets). */
export function hideExistingSection(out: string): string {
  return hideSections(out, ['existing'], EXISTING_NOT_RECORDED);
}

/** Replaces the body of the named sections (for the transcript), keeping the markers and exit codes. */
export function hideSections(text: string, names: string[], placeholder: string): string {
  let out = text;
  for (const n of names) out = out.replace(new RegExp(`^(${MARK} ${n}\\n)[\\s\\S]*?(?=${MARK}-rc \\d+$)`, 'm'), `$1${placeholder}\n`);
  return out;
}

/** One section in the probe format: a marker line, the command's output, its exit code. */
function section(name: string, cmd: string): string {
  return `echo '${MARK} ${name}'; ( ${cmd} ) 2>&1; echo "${MARK}-rc $?"`;
}

/**
 * The network sections as background jobs, each into its own file of a private temp folder, so
 * their waits (DNS, three HTTPS/TCP round trips to the server, up to 10 s each when a firewall
 * drops them) overlap each other and the local checks. `networkCollect` prints them in the probe
 * format once all are done. Without mktemp they run one after the other, as plain sections.
 */
function networkStart(checks: Array<[string, string]>): string {
  const jobs = checks.map(([name, cmd]) => `( ( ${cmd} ) >"$nt/${name}" 2>&1; echo $? >"$nt/${name}.rc" ) &`);
  return [
    'nt=$(mktemp -d 2>/dev/null) || nt=',
    `if [ -n "$nt" ]; then trap 'rm -rf "$nt"' EXIT; trap 'exit 129' HUP; trap 'exit 143' TERM`,
    ...jobs,
    'else',
    ...checks.map(([name, cmd]) => section(name, cmd)),
    'fi',
  ].join('\n');
}

function networkCollect(checks: Array<[string, string]>): string {
  const names = checks.map(([name]) => name).join(' ');
  return `if [ -n "$nt" ]; then wait; for s in ${names}; do echo "${MARK} $s"; cat "$nt/$s"; echo "${MARK}-rc $(cat "$nt/$s.rc")"; done; fi`;
}

/**
 * One shell script that gathers the unprivileged facts, section by section, with exit codes.
 * The network checks (DNS, HTTPS, tunnel port) run in the background meanwhile.
 * With `runtime`: also `info` and `existing` (the agent's inspect), run as root when the login is
 * root or `sudo -n` works (no password: nothing on stdin); otherwise left out, and the installer
 * asks them in one privileged command of their own.
 */
export function probeScript(o: { portainerUrl: string; tunnelHost: string; tunnelPort: number; portainerHost: string; runtime?: RuntimeProbe }): string {
  const status = shellQuote(o.portainerUrl.replace(/\/+$/, '') + '/api/system/status');
  const network: Array<[string, string]> = [
    ['dns', `getent hosts ${shellQuote(o.portainerHost)}`],
    ['https', `curl -sS -o /dev/null -m 10 -w '%{http_code}' ${status}`],
    ['https_k', `curl -k -sS -o /dev/null -m 10 -w '%{http_code}' ${status}`],
    ['tunnel', `curl -sS -m 5 ${shellQuote(`http://${o.tunnelHost.includes(':') ? `[${o.tunnelHost}]` : o.tunnelHost}:${o.tunnelPort}/health`)}`],
  ];
  const local: Array<[string, string]> = [
    ['uname', 'uname -sm'],
    ['osrelease', 'cat /etc/os-release 2>/dev/null'],
    ['id', 'id -u; id -un; id -nG'],
    ['which', 'for c in docker podman kubectl curl sudo getent systemctl; do printf "%s=%s\\n" "$c" "$(command -v $c)"; done'],
    ['sudo', 'command -v sudo >/dev/null 2>&1 || exit 127; sudo -n true 2>&1'],
  ];
  const lines = [networkStart(network), ...local.map(([name, cmd]) => section(name, cmd))];
  if (o.runtime) {
    lines.push(
      `rt=$(command -v ${o.runtime.bin})`,
      `if [ "$(id -u)" = 0 ]; then ep=''; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then ep='sudo -n --'; else ep=-; fi`,
      // One privileged shell asks the engine everything (one sudo, not one per docker call: each
      // sudo is a PAM session, a log line and a fork more on the host); its fd 3 is its own, as
      // sudo closes the caller's.
      `if [ -n "$rt" ] && [ "$ep" != - ]; then $ep sh -c ${shellQuote(runtimeBody('"$1"', o.runtime))} sh "$rt"; fi`,
    );
  }
  // The clock last, so that it is read just before the answer reaches this computer (checkClock).
  lines.push(networkCollect(network), section('date', 'date +%s'));
  return lines.join('\n');
}

export function parseProbe(text: string): Record<string, ProbeSection> {
  const out: Record<string, ProbeSection> = {};
  const re = new RegExp(`^${MARK} (\\w+)\\n([\\s\\S]*?)${MARK}-rc (\\d+)$`, 'gm');
  for (const m of text.matchAll(re)) out[m[1]!] = { out: m[2]!.replace(/\n$/, ''), rc: Number(m[3]) };
  return out;
}

const ARCHES: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', s390x: 's390x', ppc64le: 'ppc64le' };

export function checkOs(uname: ProbeSection | undefined, osRelease: ProbeSection | undefined): Check {
  const title = 'Operating system and architecture';
  if (!uname || uname.rc !== 0) return { id: 'os', title, status: 'fail', found: 'uname failed: not a Unix shell?', fix: 'The SSH install supports Linux targets; use the copy-paste command for Windows.' };
  const [kernel = '', arch = ''] = uname.out.trim().split(/\s+/);
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease?.out ?? '')?.[1] ?? kernel;
  const found = `${pretty}, ${arch}`;
  if (kernel !== 'Linux') return { id: 'os', title, status: 'fail', found, fix: 'The Edge agent images run on Linux (and Windows, not supported over SSH here).' };
  if (!ARCHES[arch]) return { id: 'os', title, status: 'warn', found, fix: `portainer/agent may have no image for ${arch}.` };
  return { id: 'os', title, status: 'pass', found };
}

export interface RuntimeFacts {
  which: Record<string, string>;
  /** `docker info --format ...` (run with privileges when needed). */
  info?: ProbeSection;
  /** kubectl config current-context */
  kubeContext?: ProbeSection;
}

export function parseWhich(s: ProbeSection | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (s?.out ?? '').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && line.slice(i + 1).trim()) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** `docker info --format` fields the runtime check reads, in this order. */
export const DOCKER_INFO_FORMAT = '{{.ServerVersion}}|{{.Swarm.LocalNodeState}}|{{.Swarm.ControlAvailable}}|{{.OSType}}|{{.Architecture}}';
/**
 * The same layout for `podman info`, whose template data is podman's own Info struct (Docker's
 * field names are a template error there): version, no swarm fields, OS, architecture.
 */
export const PODMAN_INFO_FORMAT = '{{.Version.Version}}|||{{.Host.OS}}|{{.Host.Arch}}';

export function checkRuntime(platform: Platform, f: RuntimeFacts): Check {
  const title = 'Container runtime';
  if (platform === 'kubernetes') {
    if (!f.which.kubectl) return { id: 'runtime', title, status: 'fail', found: 'kubectl not found', fix: 'Install kubectl on the target and configure its context (or run the install on a host that has it).' };
    const ctx = f.kubeContext;
    if (!ctx || ctx.rc !== 0 || !ctx.out.trim()) return { id: 'runtime', title, status: 'fail', found: `kubectl at ${f.which.kubectl}, no current context`, fix: 'Set a kubeconfig context (kubectl config use-context …).' };
    return { id: 'runtime', title, status: 'pass', found: `kubectl context ${ctx.out.trim()}` };
  }
  const bin = platform === 'podman' ? 'podman' : 'docker';
  if (!f.which[bin]) return { id: 'runtime', title, status: 'fail', found: `${bin} not found on PATH`, fix: `Install ${bin === 'docker' ? 'Docker Engine' : 'Podman'} on the target first.` };
  const info = f.info;
  if (!info || info.rc !== 0) {
    const out = info?.out ?? '';
    const why = /permission denied/i.test(out) ? 'permission denied on the daemon socket' : /Cannot connect|Is the docker daemon running/i.test(out) ? 'the daemon is not running' : out.split('\n')[0] || 'no answer';
    return { id: 'runtime', title, status: 'fail', found: `${bin} at ${f.which[bin]}, but ${bin} info failed: ${why}`, fix: /permission/i.test(why) ? 'Use root, sudo, or add the user to the docker group.' : `Start the ${bin} service (systemctl start ${bin === 'docker' ? 'docker' : 'podman.socket'}).` };
  }
  const [version = '', swarmState = '', control = ''] = info.out.trim().split('|');
  if (platform === 'swarm') {
    if (swarmState !== 'active') return { id: 'runtime', title, status: 'fail', found: `Docker ${version}, swarm ${swarmState || 'inactive'}`, fix: 'Run the Swarm install on a swarm manager (docker swarm init / join), or choose Docker Standalone.' };
    if (control !== 'true') return { id: 'runtime', title, status: 'fail', found: `Docker ${version}, swarm worker`, fix: 'Target a swarm manager node: services are created from managers.' };
    return { id: 'runtime', title, status: 'pass', found: `Docker ${version}, swarm manager` };
  }
  const note = platform === 'standalone' && swarmState === 'active' ? ' (this node is in a swarm; the Swarm install may fit better)' : '';
  return { id: 'runtime', title, status: note ? 'warn' : 'pass', found: `${bin === 'docker' ? 'Docker' : 'Podman'} ${version}${note}` };
}

export function checkPrivileges(idSection: ProbeSection | undefined, sudo: ProbeSection | undefined, which: Record<string, string>, sudoPasswordGiven: boolean): { check: Check; privilege: 'root' | 'sudo-nopasswd' | 'sudo-password' | 'none' } {
  const title = 'Privileges';
  const [uid = '', user = '', groups = ''] = (idSection?.out ?? '').split('\n');
  if (uid.trim() === '0') return { check: { id: 'privileges', title, status: 'pass', found: 'root' }, privilege: 'root' };
  const inDocker = groups.split(/\s+/).includes('docker');
  const extra = inDocker ? ' (in the docker group, but writing the root-only env file still needs root)' : '';
  if (!which.sudo) return { check: { id: 'privileges', title, status: 'fail', found: `${user}, no sudo${extra}`, fix: 'Connect as root or install sudo for this user.' }, privilege: 'none' };
  if (sudo?.rc === 0) return { check: { id: 'privileges', title, status: 'pass', found: `${user} with passwordless sudo${extra}` }, privilege: 'sudo-nopasswd' };
  if (/password is required|a terminal is required|askpass/i.test(sudo?.out ?? '')) {
    return sudoPasswordGiven
      ? { check: { id: 'privileges', title, status: 'pass', found: `${user} with sudo (password given, sent on stdin)` }, privilege: 'sudo-password' }
      : { check: { id: 'privileges', title, status: 'warn', found: `${user}: sudo needs a password`, fix: 'Give the sudo password (it is held in memory and sent on stdin only).' }, privilege: 'sudo-password' };
  }
  return { check: { id: 'privileges', title, status: 'fail', found: `${user} may not use sudo: ${(sudo?.out ?? '').split('\n')[0]}`, fix: 'Allow the user to sudo, or connect as root.' }, privilege: 'none' };
}

export function checkDns(host: string, target: ProbeSection | undefined, desktop: string[]): Check {
  const title = `DNS of ${host}`;
  if (isIP(host)) return { id: 'dns', title, status: 'pass', found: `${host} is an IP address` };
  if (!target || target.rc !== 0 || !target.out.trim()) {
    return { id: 'dns', title, status: 'fail', found: `the target cannot resolve ${host}${desktop.length ? ` (this computer resolves it to ${desktop.join(', ')})` : ''}`, fix: 'Fix the target\'s DNS (or /etc/hosts), or re-key the environment with an address the target can resolve.' };
  }
  const addrs = [...new Set(target.out.split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean))];
  const same = desktop.length === 0 || addrs.some((a) => desktop.includes(a));
  return same
    ? { id: 'dns', title, status: 'pass', found: `${addrs.join(', ')}` }
    : { id: 'dns', title, status: 'warn', found: `target: ${addrs.join(', ')}; this computer: ${desktop.join(', ')}`, fix: 'Split DNS: make sure the address the target gets reaches the same Portainer server.' };
}

const CURL_ERRORS: Record<number, string> = { 6: 'could not resolve the host', 7: 'connection refused or unreachable', 28: 'timed out', 35: 'TLS handshake failed', 60: 'certificate not trusted', 51: 'certificate name mismatch', 127: 'curl is not installed' };

export function checkHttps(url: string, verified: ProbeSection | undefined, insecure: ProbeSection | undefined, insecurePoll: boolean): Check {
  const title = `HTTPS to ${url}`;
  if (!verified || verified.rc === 127) return { id: 'https', title, status: 'warn', found: 'curl is not installed on the target: not tested', fix: 'Install curl to let the preflight test the connection, or go ahead.' };
  const code = (s: ProbeSection | undefined) => /(\d{3})\s*$/.exec(s?.out ?? '')?.[1] ?? '000';
  if (verified.rc === 0 && code(verified) !== '000') {
    return { id: 'https', title, status: code(verified).startsWith('2') ? 'pass' : 'warn', found: `HTTP ${code(verified)} with certificate verification` };
  }
  if (insecure && insecure.rc === 0 && code(insecure) !== '000') {
    const found = `reachable (HTTP ${code(insecure)}) only without certificate verification (${CURL_ERRORS[verified.rc] ?? `curl exit ${verified.rc}`}): self-signed or private CA`;
    return insecurePoll
      ? { id: 'https', title, status: 'pass', found: `${found}; insecure poll is on` }
      : { id: 'https', title, status: 'fail', found, fix: 'Turn on insecure poll (EDGE_INSECURE_POLL=1, --insecure-poll) or give Portainer a certificate the target trusts.' };
  }
  return { id: 'https', title, status: 'fail', found: `not reachable from the target: ${CURL_ERRORS[verified.rc] ?? `curl exit ${verified.rc}`}`, fix: 'Open the Portainer API port from the target (firewall, proxy) or re-key with a URL the target can reach.' };
}

export function checkTunnel(address: string, s: ProbeSection | undefined): Check {
  const title = `Tunnel port ${address}`;
  if (!s || s.rc === 127) return { id: 'tunnel', title, status: 'warn', found: 'curl is not installed on the target: not tested' };
  if (s.rc === 0 && s.out.trim() === 'OK') return { id: 'tunnel', title, status: 'pass', found: 'GET /health answered OK (the tunnel server listens)' };
  if (s.rc === 0) return { id: 'tunnel', title, status: 'fail', found: `GET /health answered ${JSON.stringify(s.out.trim().slice(0, 80))}, not OK: a proxy or another service is on that port`, fix: `Publish Portainer's tunnel port (${tunnelHostPort(address)?.port ?? address}) directly; HTTP-only proxies cannot carry the tunnel.` };
  return { id: 'tunnel', title, status: 'fail', found: `not reachable: ${CURL_ERRORS[s.rc] ?? `curl exit ${s.rc}`}`, fix: `Open the tunnel port (${tunnelHostPort(address)?.port ?? address}) from the target; without it the heartbeat works but the environment cannot be browsed.` };
}

export function checkClock(remote: ProbeSection | undefined, localEpoch: number): { check: Check; skew: number } {
  const title = 'Clock';
  const t = Number(remote?.out.trim());
  if (!remote || remote.rc !== 0 || !Number.isFinite(t)) return { check: { id: 'clock', title, status: 'warn', found: 'could not read the target clock' }, skew: 0 };
  const skew = t - localEpoch;
  const found = `target clock ${skew === 0 ? 'in sync' : `${skew > 0 ? '+' : ''}${skew} s`} relative to this computer`;
  if (Math.abs(skew) > 300) return { check: { id: 'clock', title, status: 'fail', found, fix: 'Sync the clock (timedatectl set-ntp true): TLS and check-in times break with this skew.' }, skew };
  if (Math.abs(skew) > 30) return { check: { id: 'clock', title, status: 'warn', found, fix: 'Turn on NTP on the target.' }, skew };
  return { check: { id: 'clock', title, status: 'pass', found }, skew };
}

export interface ExistingAgent {
  image: string;
  running: boolean;
  edgeId?: string;
  /** Whether the container's EDGE_KEY equals the one we would install (compared, never shown). */
  sameKey: boolean;
  sameSecret: boolean;
}

/** The first object of `docker inspect` / `docker service inspect` JSON (an array); undefined when the command failed or there is none. */
function firstInspected<T>(inspect: ProbeSection | undefined): T | undefined {
  if (!inspect || inspect.rc !== 0) return undefined;
  let arr: unknown;
  try {
    arr = JSON.parse(inspect.out);
  } catch {
    return undefined;
  }
  return Array.isArray(arr) ? (arr[0] as T | undefined) : undefined;
}

/** A container's or service's Env list as a map: split at the first '='; an item without one has the empty value. */
function envMap(lines: string[]): Map<string, string> {
  return new Map(lines.map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] : [l, ''])));
}

type WantedIdentity = { edgeKey: string; agentSecret?: string };

/** An existing agent from what it runs and the identity its settings hold (EDGE_ID, EDGE_KEY, AGENT_SECRET), against the one we would install. */
function existingAgent(found: { image: string; running: boolean; edgeId?: string; edgeKey?: string; agentSecret?: string }, desired: WantedIdentity): ExistingAgent {
  const out: ExistingAgent = { image: found.image, running: found.running, sameKey: found.edgeKey === desired.edgeKey, sameSecret: (found.agentSecret ?? '') === (desired.agentSecret ?? '') };
  if (found.edgeId !== undefined) out.edgeId = found.edgeId;
  return out;
}

/** Reads `docker inspect` JSON of portainer_edge_agent; undefined when there is none. */
export function parseExistingAgent(inspect: ProbeSection | undefined, desired: WantedIdentity): ExistingAgent | undefined {
  const c = firstInspected<{ Config?: { Image?: string; Env?: string[] }; State?: { Running?: boolean } }>(inspect);
  if (!c) return undefined;
  const env = envMap(c.Config?.Env ?? []);
  return existingAgent({ image: c.Config?.Image ?? '', running: c.State?.Running === true, edgeId: env.get('EDGE_ID'), edgeKey: env.get('EDGE_KEY'), agentSecret: env.get('AGENT_SECRET') }, desired);
}

/**
 * Where the existing agent lives: a container (standalone, podman), a Swarm service, or the
 * Kubernetes objects in namespace portainer. For Kubernetes only the identity (Edge ID, key,
 * secret) makes it "a different agent": a new image is a rolling update `kubectl apply` does, and
 * other settings are compared by apply itself (unchanged / configured).
 */
export type AgentKind = 'container' | 'service' | 'kubernetes';

const AGENT_WHAT: Record<AgentKind, string> = { container: 'portainer_edge_agent', service: 'the portainer_edge_agent service', kubernetes: 'the agent in namespace portainer' };
const REPLACE_FIX: Record<AgentKind, string> = {
  container: 'Replacing removes the container and the portainer_agent_data volume (confirmation needed).',
  service: 'Replacing removes the portainer_edge_agent service and this node\'s portainer_agent_data volume (confirmation needed).',
  kubernetes: 'Replacing overwrites the Secret and ConfigMap in namespace portainer and restarts the agent (confirmation needed).',
};

export function checkExistingAgent(existing: ExistingAgent | undefined, desired: { image: string; edgeId: string }, kind: AgentKind = 'container'): { check: Check; action: 'install' | 'unchanged' | 'replace' } {
  const title = 'Existing Edge agent';
  if (!existing) return { check: { id: 'existing', title, status: 'pass', found: 'none (fresh install)' }, action: 'install' };
  const what = AGENT_WHAT[kind];
  const diffs: string[] = [];
  const imageDiff = sameImage(existing.image, desired.image) ? '' : `image ${existing.image || '(none)'} → ${desired.image}`;
  if (imageDiff && kind !== 'kubernetes') diffs.push(imageDiff);
  if (existing.edgeId !== desired.edgeId) diffs.push(`Edge ID ${existing.edgeId ?? '(none)'} → ${desired.edgeId}`);
  if (!existing.sameKey) diffs.push('a different Edge key');
  if (!existing.sameSecret) diffs.push('a different agent secret');
  if (!existing.running && kind !== 'kubernetes') diffs.push(kind === 'container' ? 'the container is not running' : 'it is not running');
  if (diffs.length === 0) {
    if (kind === 'kubernetes') {
      return { check: { id: 'existing', title, status: 'pass', found: `${what} has this Edge ID and key${imageDiff ? ` (${imageDiff}: a rolling update)` : ''}; kubectl apply changes only what differs` }, action: 'install' };
    }
    return { check: { id: 'existing', title, status: 'pass', found: `${what} already runs ${existing.image} with this Edge ID and key: nothing to do` }, action: 'unchanged' };
  }
  return { check: { id: 'existing', title, status: 'warn', found: `${what} exists with ${diffs.join(', ')}`, fix: REPLACE_FIX[kind] }, action: 'replace' };
}

/**
 * Two references to one image: Podman records the name it resolved (`docker.io/portainer/agent:…`,
 * its short-name expansion), Docker the name as given; `docker.io/` and `docker.io/library/`
 * name Docker Hub either way.
 */
export function sameImage(a: string, b: string): boolean {
  const norm = (r: string) => imageWithoutDigest(r).replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return norm(a) === norm(b);
}

/** The image ID the `image` section found on the host (undefined: not there). */
export function imageIdOf(section: ProbeSection | undefined): string | undefined {
  return section?.rc === 0 ? /(?:^|\n)present (\S+)$/.exec(section.out.trim())?.[1] : undefined;
}

/** What to do when the host cannot get the agent image: the push option first (app and CLI name it alike). */
export function imageMissingFix(runtimeName: string): string {
  return `Bring the image over SSH: run the install with --push-image (in the app: "Push the agent image from this computer"), from this computer's engine or an archive file (--image-archive FILE); or load it on the host yourself (${runtimeName} save on a machine that has it, then ${runtimeName} load -i <archive> on the host); or let the host reach the registry (registry-1.docker.io:443).`;
}

/**
 * Preflight's answer to "can the agent image be had on the target?" from the `image` section.
 * `push`: the install brings it over SSH when it is missing (--push-image), so missing is fine.
 */
export function checkImage(image: string, section: ProbeSection | undefined, runtimeName: string, push = false): Check {
  const title = 'Agent image';
  if (!section) return { id: 'image', title, status: 'warn', found: `not checked (${runtimeName} was not reachable)` };
  const out = section.out.trim();
  const id = imageIdOf(section);
  if (section.rc === 0) return { id: 'image', title, status: 'pass', found: id ? `${image} is on the host (${id})${push ? '; pushed only if this computer\'s differs' : ''}` : `${image} pulled from its registry` };
  if (push) return { id: 'image', title, status: 'pass', found: `${image} is not on the host: it will be pushed from this computer over SSH (--push-image)` };
  const why = section.rc === 124 ? `the pull did not finish within ${IMAGE_PULL_PROBE_S} s` : causeLine(out) || `the pull failed (exit ${section.rc})`;
  return { id: 'image', title, status: 'fail', found: `${image} is not on the host and cannot be pulled: ${why}`, fix: imageMissingFix(runtimeName) };
}

/** Strips a pinned digest (`image:tag@sha256:…`, as Swarm records a resolved image). */
function imageWithoutDigest(image: string): string {
  const at = image.indexOf('@');
  return at < 0 ? image : image.slice(0, at);
}

/** Reads `docker service inspect portainer_edge_agent` (Swarm); undefined when there is no such service. */
export function parseExistingService(inspect: ProbeSection | undefined, desired: WantedIdentity): ExistingAgent | undefined {
  const spec = firstInspected<{ Spec?: { TaskTemplate?: { ContainerSpec?: { Image?: string; Env?: string[] } } } }>(inspect)?.Spec?.TaskTemplate?.ContainerSpec;
  if (!spec) return undefined;
  const env = envMap(spec.Env ?? []);
  // The orchestrator keeps a service's tasks running; whether they do is the check-in's question.
  return existingAgent({ image: imageWithoutDigest(spec.Image ?? ''), running: true, edgeId: env.get('EDGE_ID'), edgeKey: env.get('EDGE_KEY'), agentSecret: env.get('AGENT_SECRET') }, desired);
}

/**
 * Reads `kubectl get configmap/… secret/… deployment/… -o json --ignore-not-found` (a List, or
 * one object, or nothing): EDGE_ID from the ConfigMap, EDGE_KEY and AGENT_SECRET from the Secret
 * (base64 `data`, or `stringData`), the image from the Deployment. Undefined when neither the
 * ConfigMap nor the Secret exists (no agent installed this way).
 */
export function parseExistingKube(get: ProbeSection | undefined, desired: WantedIdentity, names: { configMap: string; secret: string; deployment: string }): ExistingAgent | undefined {
  if (!get || get.rc !== 0 || !get.out.trim()) return undefined;
  type Obj = { kind?: string; metadata?: { name?: string }; data?: Record<string, string>; stringData?: Record<string, string>; spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } };
  let doc: { kind?: string; items?: Obj[] } & Obj;
  try {
    doc = JSON.parse(get.out) as typeof doc;
  } catch {
    return undefined;
  }
  const items: Obj[] = Array.isArray(doc.items) ? doc.items : [doc];
  const find = (kind: string, name: string) => items.find((i) => i.kind === kind && i.metadata?.name === name);
  const cm = find('ConfigMap', names.configMap);
  const secret = find('Secret', names.secret);
  const dep = find('Deployment', names.deployment);
  if (!cm && !secret) return undefined;
  const sec = new Map<string, string>(Object.entries(secret?.stringData ?? {}));
  for (const [k, v] of Object.entries(secret?.data ?? {})) sec.set(k, Buffer.from(v, 'base64').toString('utf8'));
  return existingAgent({ image: dep?.spec?.template?.spec?.containers?.[0]?.image ?? '', running: dep !== undefined, edgeId: cm?.data?.EDGE_ID, edgeKey: sec.get('EDGE_KEY'), agentSecret: sec.get('AGENT_SECRET') }, desired);
}

/**
 * The "test connection" probe: who we are and whether sudo works without a password (`sudo -n
 * true`), in the probe's section format. Nothing else: no server, no runtime, nothing written.
 * `bins`: the commands looked up on PATH (a Swarm node's probe adds docker).
 */
export function connectProbeScript(bins: string[] = ['sudo']): string {
  const sections: Array<[string, string]> = [
    ['id', 'id -u; id -un; id -nG'],
    ['which', `for c in ${bins.join(' ')}; do printf "%s=%s\\n" "$c" "$(command -v $c)"; done`],
    ['sudo', 'command -v sudo >/dev/null 2>&1 || exit 127; sudo -n true 2>&1'],
  ];
  return sections.map(([name, cmd]) => section(name, cmd)).join('\n');
}

/** The connection itself as a check row (the connection worked when this is called). */
export function checkConnection(user: string, fingerprint: string, ms: number, authMethod?: string): Check {
  return { id: 'connection', title: 'SSH connection', status: 'pass', found: `logged in as ${user}${authMethod ? ` with ${authMethod}` : ''} in ${ms} ms; host key ${fingerprint}` };
}
