import type { Edition } from './types';
import { compareVersions, parseVersion, type Version } from './versions';

/**
 * Portainer's release lines as far as onboarding is concerned (docs/portainer-versions.md).
 * One row per line; the server's version picks the row, and every version-dependent rule
 * (command templates, tunnel states, edition features) reads it from here.
 */

export type { Edition };

/** How the "Edge agent" screen writes its commands in a line. */
export interface CommandTemplates {
  /** Line continuation of the Windows texts: bash's backslash until PR 12598, PowerShell's backtick after. */
  windowsContinuation: '\\' | '`';
  /**
   * Podman's text: 'socket' = enable podman.socket, volume "portainer", short image name (2.22–2.27);
   * 'env' = volume portainer_agent_data, a blank line, PODMAN=1 and docker.io/ image (2.28 on).
   */
  podman: 'socket' | 'env';
}

export interface ReleaseLine {
  /** Short id, the newest minor of the line: '2.45'. */
  id: string;
  /** What users call it: '2.40–2.45 LTS'. */
  label: string;
  /** First version of the line (inclusive). */
  from: string;
  /** Last minor of the line (inclusive, any patch). */
  toMinor: string;
  templates: CommandTemplates;
  /** Servers ≤ 2.20 answer ACTIVE after the first REQUIRED and drop REQUIRED after 15 s. */
  activeTunnelState: boolean;
}

const OLD: CommandTemplates = { windowsContinuation: '\\', podman: 'socket' };
const NEW: CommandTemplates = { windowsContinuation: '`', podman: 'env' };

export const RELEASE_LINES: readonly ReleaseLine[] = [
  { id: '2.19', label: '2.19 and older', from: '0.0.0', toMinor: '2.19', templates: OLD, activeTunnelState: true },
  { id: '2.20', label: '2.20', from: '2.20.0', toMinor: '2.20', templates: OLD, activeTunnelState: true },
  { id: '2.23', label: '2.21–2.23', from: '2.21.0', toMinor: '2.23', templates: OLD, activeTunnelState: false },
  { id: '2.26', label: '2.24–2.26', from: '2.24.0', toMinor: '2.26', templates: OLD, activeTunnelState: false },
  { id: '2.27', label: '2.27 LTS', from: '2.27.0', toMinor: '2.27', templates: OLD, activeTunnelState: false },
  { id: '2.33', label: '2.28–2.33 LTS', from: '2.28.0', toMinor: '2.33', templates: NEW, activeTunnelState: false },
  { id: '2.39', label: '2.34–2.39 LTS', from: '2.34.0', toMinor: '2.39', templates: NEW, activeTunnelState: false },
  { id: '2.45', label: '2.40–2.45 LTS', from: '2.40.0', toMinor: '2.45', templates: NEW, activeTunnelState: false },
];

export const NEWEST_LINE: ReleaseLine = RELEASE_LINES[RELEASE_LINES.length - 1]!;

export interface LinePick {
  line: ReleaseLine;
  /** Set when the version is newer than the newest line we know: the newest line is used. */
  warning?: string;
}

function lastOf(line: ReleaseLine): Version {
  const [major, minor] = line.toMinor.split('.').map(Number);
  return { major: major!, minor: minor!, patch: Number.MAX_SAFE_INTEGER };
}

/** The release line of a server version; a newer one than we know gets the newest line and a warning. */
export function releaseLineFor(version: string, field = 'serverVersion'): LinePick {
  const v = parseVersion(version, field);
  for (const line of RELEASE_LINES) {
    if (compareVersions(v, lastOf(line)) <= 0) return { line };
  }
  return {
    line: NEWEST_LINE,
    warning: `Portainer ${version} is newer than the newest release line Edgedeck knows (${NEWEST_LINE.label}); the commands follow ${NEWEST_LINE.label}. Check them against the server's own "Edge agent" screen.`,
  };
}

/** The warning for a version newer than we know, or undefined. */
export function newerThanKnownWarning(version: string | undefined): string | undefined {
  if (!version) return undefined;
  try {
    return releaseLineFor(version).warning;
  } catch {
    return undefined;
  }
}

/** The local server's word for a version newer than we know: what it emulates instead, or undefined. */
export function emulatedNewerWarning(version: string): string | undefined {
  return newerThanKnownWarning(version) ? `Portainer ${version} is newer than the newest release line Edgedeck knows (${NEWEST_LINE.label}); the local server emulates ${NEWEST_LINE.label}.` : undefined;
}

/** The agent image a platform's command runs: Podman's new form names the registry. */
export function agentImage(line: ReleaseLine, platform: 'standalone' | 'swarm' | 'podman', agentVersion: string): string {
  const short = `portainer/agent:${agentVersion}`;
  return platform === 'podman' && line.templates.podman === 'env' ? `docker.io/${short}` : short;
}
