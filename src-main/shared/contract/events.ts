import type { AgentGroupView, PollSample, SimStatus } from '../schemas/simulator';

/** Every event main pushes to the UI, by name. */
export interface EventMap {
  'sim:status': SimStatus;
  'agents:groups': { groups: AgentGroupView[] };
  'agents:polls': { samples: PollSample[] };
}

export type EventName = keyof EventMap;

export const eventNames: EventName[] = ['sim:status', 'agents:groups', 'agents:polls'];
