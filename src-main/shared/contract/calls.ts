import { z } from 'zod';
import type { CommandOptions, EdgeKeyFields, KeyWarning, Platform } from '../domain/types';
import { commandOptionsSchema, keyDecodeRequest, keyEncodeRequest, platformsRequest } from '../schemas/edge';
import { agentsStartRequest, agentsStopRequest, simStartRequest } from '../schemas/simulator';
import type { AgentGroupView, SimEnvironmentView, SimStatus } from '../schemas/simulator';

/**
 * The one contract between the UI (or any client) and main. Every call is `domain:verb`,
 * with the zod schema main validates the request against before the handler runs, and
 * the response type (a phantom: it exists for the type checker only).
 */
export interface CallSpec<Req extends z.ZodType, Res> {
  request: Req;
  /** Never set at run time: carries the response type. */
  response?: Res;
}

function call<Res>() {
  return <Req extends z.ZodType>(request: Req): CallSpec<Req, Res> => ({ request });
}

const none = z.object({}).strict();

export interface AppInfo {
  name: 'Edgedeck';
  version: string;
  transport: 'ipc' | 'web';
}

export const calls = {
  'app:info': call<AppInfo>()(none),

  'key:decode': call<{ fields: EdgeKeyFields; warnings: KeyWarning[] }>()(keyDecodeRequest),
  'key:encode': call<{ key: string }>()(keyEncodeRequest),

  'commands:build': call<{ command: string; options: CommandOptions }>()(commandOptionsSchema),
  'commands:platforms': call<{ platforms: Platform[] }>()(platformsRequest),

  'sim:status': call<SimStatus>()(none),
  'sim:start': call<SimStatus>()(simStartRequest),
  'sim:stop': call<SimStatus>()(none),
  'sim:environments': call<{ environments: SimEnvironmentView[] }>()(none),

  'agents:start': call<AgentGroupView>()(agentsStartRequest),
  'agents:stop': call<{ stopped: number }>()(agentsStopRequest),
  'agents:list': call<{ groups: AgentGroupView[] }>()(none),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<C extends CallName> = z.input<Calls[C]['request']>;
export type ParsedRequest<C extends CallName> = z.output<Calls[C]['request']>;
export type CallResponse<C extends CallName> = NonNullable<Calls[C]['response']>;

export const callNames = Object.keys(calls) as CallName[];

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}
