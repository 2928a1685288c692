import { AppError, invalidInput } from '../contract/errors';
import type { Edition, Platform, TargetOs } from './types';

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

const VERSION_TEXT = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})(?:\.(0|[1-9]\d{0,5}))?$/;

/** Parses 'X.Y.Z' or 'X.Y' (patch 0), the form of /api/system/status `Version`. */
export function parseVersion(text: string, field = 'agentVersion'): Version {
  const m = VERSION_TEXT.exec(text);
  if (!m) {
    const hint = /^v\d/i.test(text) ? ' Drop the leading "v".' : text.trim() !== text ? ' Remove the surrounding spaces.' : '';
    throw invalidInput(field, `${JSON.stringify(text)} is not a Portainer version; write it as X.Y.Z, e.g. 2.23.0 (the server's version from /api/system/status).${hint}`);
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function compareVersions(a: Version | string, b: Version | string): number {
  const x = typeof a === 'string' ? parseVersion(a) : a;
  const y = typeof b === 'string' ? parseVersion(b) : b;
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** The versions where Portainer's offer changed (portainer-edge.md §5.1, §5.8, §5.10). */
export const PODMAN_SINCE = '2.22.0';
export const NOMAD_REMOVED_IN = '2.20.0';
/** Before 2.13 the Kubernetes/Nomad script URLs had another shape that the doc does not pin down. */
export const SCRIPT_PATH_SINCE = '2.13.0';

/**
 * Community Edition answers `DELETE /api/endpoints/{id}/association` with 204 and no body since
 * 2.14.0; 2.9–2.13 answered 200 with the environment, and Business Edition's published API
 * description still declares that answer (docs/portainer-versions.md fact 26).
 */
export const DISASSOCIATE_EMPTY_SINCE = '2.14.0';

/** Whether a server of this version and edition answers a disassociation with the environment (200) rather than 204. */
export function disassociateAnswersEnvironment(version: string, edition: Edition): boolean {
  return edition === 'be' || compareVersions(parseVersion(version, 'version'), DISASSOCIATE_EMPTY_SINCE) < 0;
}

const LINUX_ORDER: Platform[] = ['kubernetes', 'swarm', 'standalone', 'podman', 'nomad'];
const WINDOWS_ORDER: Platform[] = ['swarm', 'standalone'];

const LABEL: Record<Platform, string> = {
  standalone: 'Docker Standalone',
  swarm: 'Docker Swarm',
  podman: 'Podman',
  kubernetes: 'Kubernetes',
  nomad: 'Nomad',
};

/**
 * Why a platform is not offered, or undefined when it is. Order follows Portainer's tabs.
 * The edition matters only where it is known: Nomad was a Business Edition tab.
 */
function refusal(platform: Platform, os: TargetOs, version: string, edition?: Edition): string | undefined {
  const v = parseVersion(version);
  const windows = os === 'windows';
  if (windows && !WINDOWS_ORDER.includes(platform)) {
    return `Portainer offers ${LABEL[platform]} only for Linux, not Windows; use Docker Standalone or Docker Swarm on Windows, or choose Linux.`;
  }
  if (platform === 'podman' && compareVersions(v, PODMAN_SINCE) < 0) {
    return `Podman arrived in Portainer ${PODMAN_SINCE}; this server is ${version}. Use Docker Standalone, Docker Swarm or Kubernetes, or upgrade Portainer.`;
  }
  if (platform === 'nomad' && compareVersions(v, NOMAD_REMOVED_IN) >= 0) {
    return `Nomad was removed in Portainer ${NOMAD_REMOVED_IN}; this server is ${version}. Use Docker, Podman or Kubernetes.`;
  }
  if (platform === 'nomad' && edition === 'ce') {
    return 'Nomad was offered only by Portainer Business Edition; this server is Community Edition. Use Docker or Kubernetes.';
  }
  if ((platform === 'kubernetes' || platform === 'nomad') && compareVersions(v, SCRIPT_PATH_SINCE) < 0) {
    return `${LABEL[platform]} install scripts are generated for Portainer ${SCRIPT_PATH_SINCE} and later; this server is ${version}. Upgrade Portainer or install the agent by hand.`;
  }
  return undefined;
}

export function supportedPlatforms(serverVersion: string, os: TargetOs, edition?: Edition): Platform[] {
  return (os === 'windows' ? WINDOWS_ORDER : LINUX_ORDER).filter((p) => refusal(p, os, serverVersion, edition) === undefined);
}

export function assertPlatformSupported(platform: Platform, os: TargetOs, version: string, edition?: Edition): void {
  const reason = refusal(platform, os, version, edition);
  if (reason) throw new AppError('unsupported', reason, 'platform');
}

/** The downloads.portainer.io folder of the setup scripts: `ee2-23`, but `ce2-13` on 2.13. */
export function scriptPathSegment(version: string): string {
  const v = parseVersion(version);
  if (compareVersions(v, SCRIPT_PATH_SINCE) < 0) {
    throw new AppError('unsupported', `Setup script paths are known for Portainer ${SCRIPT_PATH_SINCE} and later; this server is ${version}.`, 'agentVersion');
  }
  const edition = v.major === 2 && v.minor === 13 ? 'ce' : 'ee';
  return `${edition}${v.major}-${v.minor}`;
}
