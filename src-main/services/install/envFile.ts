import { AppError } from '../../shared/contract/errors';
import { installEnvEntries, type EnvEntry } from '../../shared/domain/installCommands';
import type { HostPlan } from './hostPlan';
import { HostFailure } from './hostFailure';
import type { RemoteHost } from './remoteHost';

/** The agent's env (Portainer's variables for this plan), bare NAMEs still unresolved. */
export function planEnvEntries(plan: HostPlan): EnvEntry[] {
  return installEnvEntries({
    platform: plan.platform,
    os: 'linux',
    agentVersion: plan.agentVersion,
    edgeKey: plan.edgeKey,
    edgeId: plan.edgeId,
    insecurePoll: plan.insecurePoll,
    ...(plan.agentSecret ? { agentSecret: plan.agentSecret } : {}),
    ...(plan.envVars ? { envVars: plan.envVars } : {}),
  });
}

/**
 * Renders the env file (docker --env-file format: NAME=value per line, no quoting). A bare NAME
 * is resolved from the target's environment by the caller, never left for sudo's reset env.
 */
export function renderEnvFile(entries: EnvEntry[]): string {
  return (
    entries
      .map(([name, value]) => {
        if (value === undefined) throw new AppError('invalid_input', `The env var ${name} has no value.`, 'envVars');
        if (/[\r\n\0]/.test(value)) throw new AppError('invalid_input', `The value of ${name} has a line break or NUL, which an env file cannot carry.`, 'envVars');
        return `${name}=${value}`;
      })
      .join('\n') + '\n'
  );
}

/** A bare NAME takes its value from the target's login environment (printenv), or the install refuses. */
export async function resolveBareNames(entries: EnvEntry[], host: RemoteHost): Promise<EnvEntry[]> {
  const out: EnvEntry[] = [];
  for (const [name, value] of entries) {
    if (value !== undefined) {
      out.push([name, value]);
      continue;
    }
    const r = await host.run(`printenv ${name}`, { quietStdout: `(value of ${name} not recorded)` });
    if (r.code !== 0) throw new HostFailure(`the env var ${name} is to be copied from the host, but it is not set in the SSH session's environment on the target; give NAME=value instead`);
    out.push([name, r.stdout.replace(/\n$/, '')]);
  }
  return out;
}
