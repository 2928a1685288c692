import type { Handlers } from '../rpc/dispatcher';
import type { SimulatorService } from '../simulator/simulatorService';

type SimulatorCalls = 'sim:status' | 'sim:revealPassword' | 'sim:start' | 'sim:stop' | 'sim:environments' | 'sim:verifyTunnel' | 'agents:start' | 'agents:stop' | 'agents:list';

export function createSimulatorHandlers(sim: SimulatorService): Pick<Handlers, SimulatorCalls> {
  return {
    'sim:status': () => sim.status(),
    'sim:revealPassword': () => sim.revealPassword(),
    'sim:start': (req) => sim.start(req),
    'sim:stop': () => sim.stop(),
    'sim:environments': () => ({ environments: sim.environments() }),
    'sim:verifyTunnel': ({ environmentId }) => sim.verifyTunnel(environmentId),
    'agents:start': (req) => sim.startAgents(req),
    'agents:stop': ({ groupId }) => sim.stopAgents(groupId),
    'agents:list': () => ({ groups: sim.groups() }),
  };
}
