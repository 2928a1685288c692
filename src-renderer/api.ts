import { createRawApi, type RawApi } from '../src-main/shared/contract/client';
import type { CallName, CallRequest, CallResponse } from '../src-main/shared/contract/calls';
import { callNames } from '../src-main/shared/contract/callNames';
import { unwrap } from '../src-main/shared/contract/errors';
import type { EventMap, EventName } from '../src-main/shared/contract/events';
import { webTransport } from './transport/web';
import { useConnection } from './transport/connection';

export { AppError } from '../src-main/shared/contract/errors';

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type Domains = DomainOf<CallName>;

/** A call whose request has no required field may be made without one: `api.sim.status()`. */
type Args<C extends CallName> = Record<string, never> extends CallRequest<C> ? [request?: CallRequest<C>] : [request: CallRequest<C>];

/** `api.key.decode(req)` resolves with the data, or throws an AppError (code, message, field). */
export type Api = {
  readonly [D in Domains]: {
    readonly [C in CallName as C extends `${D}:${infer V}` ? V : never]: (...args: Args<C>) => Promise<CallResponse<C>>;
  };
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => () => void;
};

function defaultRaw(): RawApi {
  // Electron: the preload's window.api. Browser: the web bridge on the same origin.
  if (typeof window !== 'undefined' && window.api) return window.api;
  return createRawApi(webTransport({ onConnectionChange: (state, retryInMs) => useConnection.getState().set(state, retryInMs) }));
}

let raw: RawApi | undefined;
const current = (): RawApi => (raw ??= defaultRaw());

/** Replaces the transport under `api` (tests, or a shell that builds its own). */
export function setRawApi(next: RawApi): void {
  raw = next;
}

function build(): Api {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of callNames) {
    const [domain, verb] = name.split(':') as [string, string];
    const ns = (out[domain] ??= {});
    ns[verb] = async (request: unknown) => {
      const fn = (current() as unknown as Record<string, Record<string, (r: unknown) => Promise<unknown>>>)[domain]?.[verb];
      if (!fn) throw new Error(`The app's API has no ${name}: the shell and the UI are out of step.`);
      return unwrap((await fn(request ?? {})) as Parameters<typeof unwrap>[0]);
    };
  }
  for (const ns of Object.values(out)) Object.freeze(ns);
  const on = (event: EventName, listener: (payload: never) => void) => current().on(event, listener as never);
  return Object.freeze({ ...out, on }) as unknown as Api;
}

export const api: Api = build();
