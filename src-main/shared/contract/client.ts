import type { CallName, CallRequest, CallResponse } from './calls';
import { callNames } from './callNames';
import type { Envelope } from './errors';
import type { EventMap, EventName } from './events';

/** What a transport must offer: one invoke and one subscribe. */
export interface Transport {
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type Domains = DomainOf<CallName>;

/** `api.key.decode(req)` for the call `key:decode`. Results come as envelopes (they survive contextBridge cloning). */
export type RawApi = {
  readonly [D in Domains]: {
    readonly [C in CallName as C extends `${D}:${infer V}` ? V : never]: (request: CallRequest<C>) => Promise<Envelope<CallResponse<C>>>;
  };
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => () => void;
};

/** Builds the frozen, namespaced API from the contract's call names over any transport. */
export function createRawApi(transport: Transport): RawApi {
  const api: Record<string, Record<string, (request: unknown) => Promise<Envelope<unknown>>>> = {};
  for (const name of callNames) {
    const [domain, verb] = name.split(':') as [string, string];
    const ns = (api[domain] ??= {});
    ns[verb] = (request: unknown) => transport.invoke(name, request ?? {});
  }
  for (const ns of Object.values(api)) Object.freeze(ns);
  const on = (event: string, listener: (payload: unknown) => void) => transport.subscribe(event, listener);
  return Object.freeze({ ...api, on }) as unknown as RawApi;
}
