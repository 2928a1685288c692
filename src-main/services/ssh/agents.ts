import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { agentCandidates, type PlatformContext } from '../../shared/domain/platformPaths';

/** An SSH agent to offer ssh2 (`agent`: a socket or pipe path, or 'pageant'), with what the user is told. */
export interface ResolvedAgent {
  agent: string;
  /** E.g. "ssh-agent (SSH_AUTH_SOCK /run/user/1000/agent.sock)", "Pageant". */
  label: string;
}

export interface AgentLookup {
  /** AuthOptions.agentSocket: a path to use, null for no agent, undefined to look (below). */
  explicit?: string | null | undefined;
  ctx?: Pick<PlatformContext, 'platform' | 'env'>;
  exists?: (path: string) => boolean;
  /** macOS: the agent socket launchd holds for the session (`launchctl getenv SSH_AUTH_SOCK`). */
  launchdSocket?: () => string | undefined;
}

function launchctlSocket(): string | undefined {
  try {
    return execFileSync('launchctl', ['getenv', 'SSH_AUTH_SOCK'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The agents to try, in order, from the platform's candidates (shared/domain/platformPaths.ts
 * agentCandidates): those that can be seen to be absent (no socket file, no pipe) are left out;
 * Pageant cannot be probed without talking to it, so ssh2 tries it and moves on when it is not there.
 */
export function resolveAgents(o: AgentLookup = {}): ResolvedAgent[] {
  if (o.explicit === null) return [];
  const exists = o.exists ?? existsSync;
  if (typeof o.explicit === 'string') return exists(o.explicit) ? [{ agent: o.explicit, label: `ssh-agent (${o.explicit})` }] : [];
  const out: ResolvedAgent[] = [];
  for (const c of agentCandidates(o.ctx ?? { platform: process.platform, env: process.env })) {
    if (c.kind === 'pageant') out.push({ agent: c.path, label: 'Pageant' });
    else if (c.kind === 'launchd') {
      const sock = (o.launchdSocket ?? launchctlSocket)();
      if (sock && exists(sock)) out.push({ agent: sock, label: `ssh-agent (launchd ${sock})` });
    } else if (exists(c.path)) out.push({ agent: c.path, label: `ssh-agent (${c.source} ${c.path})` });
  }
  return out;
}
