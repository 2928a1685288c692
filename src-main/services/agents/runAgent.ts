import type { AgentState } from '../../shared/schemas/simulator';
import { AgentPool, type AgentGroupOptions } from './pool';
import type { AgentEvent, SimAgent } from './simAgent';

/** One agent, one pool: for tests and the `edgedeck agents` stand-in for a docker agent. */
export interface RunAgentOptions extends Omit<AgentGroupOptions, 'count' | 'edgeIdPrefix'> {
  edgeId: string;
  onEvent?: (event: AgentEvent, agent: SimAgent) => void;
  onStateChange?: (from: AgentState, to: AgentState) => void;
}

export interface RunningAgent {
  agent: SimAgent;
  pool: AgentPool;
  /** Resolves once the agent reaches `state` (or rejects after timeoutMs). */
  waitFor(state: AgentState, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function runAgent(options: RunAgentOptions): RunningAgent {
  const waiters = new Set<{ state: AgentState; resolve: () => void }>();
  const pool = new AgentPool({
    onEvent: (agent, e) => options.onEvent?.(e, agent),
    onStateChange: (_agent, from, to) => {
      options.onStateChange?.(from, to);
      for (const w of waiters) if (w.state === to) {
        waiters.delete(w);
        w.resolve();
      }
    },
  });
  const groupId = pool.startGroup({ ...options, count: 1 });
  const agent = pool.agents(groupId)[0]!;
  return {
    agent,
    pool,
    waitFor(state, timeoutMs = 15_000) {
      if (agent.state === state) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const w = { state, resolve: () => (clearTimeout(t), resolve()) };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`agent did not reach '${state}' within ${timeoutMs} ms (state ${agent.state}${agent.lastError ? `, last error: ${agent.lastError}` : ''})`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    stop: () => pool.stop(),
  };
}
