import type { z } from 'zod';
import { taskLogEventSchema, taskPromptEventSchema, taskViewSchema, type TaskLogEvent, type TaskPromptEvent, type TaskView } from '../schemas/install';
import type { AgentGroupView, PollSample, SimStatus } from '../schemas/simulator';

/** Every event main pushes to the UI, by name. */
export interface EventMap {
  'sim:status': SimStatus;
  'agents:groups': { groups: AgentGroupView[] };
  'agents:polls': { samples: PollSample[] };
  'task:update': TaskView;
  'task:log': TaskLogEvent;
  'task:prompt': TaskPromptEvent;
  /** An error caught outside any call or task (the process kept running). */
  'app:problem': { message: string; at: string };
}

export type EventName = keyof EventMap;

export const eventNames: EventName[] = ['sim:status', 'agents:groups', 'agents:polls', 'task:update', 'task:log', 'task:prompt', 'app:problem'];

/** The zod schemas of the events that have one (the run's), so test fakes that emit them are checked. */
export const eventSchemas: Partial<Record<EventName, z.ZodType>> = {
  'task:update': taskViewSchema,
  'task:log': taskLogEventSchema,
  'task:prompt': taskPromptEventSchema,
};
