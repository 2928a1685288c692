/** The Edge agent's container / service name and its data volume, as Portainer's commands name them. */
export const AGENT_NAME = 'portainer_edge_agent';
export const AGENT_VOLUME = 'portainer_agent_data';

export interface AgentNames {
  agent: string;
  volume: string;
}

/**
 * Another name (volume `<name>_data`) is for test hosts that share one engine, as remoteDir is
 * for hosts that share one file system.
 */
export function agentNames(name = AGENT_NAME): AgentNames {
  return { agent: name, volume: name === AGENT_NAME ? AGENT_VOLUME : `${name}_data` };
}
