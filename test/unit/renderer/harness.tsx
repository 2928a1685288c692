import { MantineProvider } from '@mantine/core';
import { act, type ReactNode } from 'react';
import { afterEach } from 'vitest';
import { createRoot, type Root } from 'react-dom/client';
import { calls, isCallName, responseSchemaOf } from '../../../src-main/shared/contract/calls';
import { eventSchemas, type EventName } from '../../../src-main/shared/contract/events';
import { createRawApi, type Transport } from '../../../src-main/shared/contract/client';
import { AppError, type Envelope } from '../../../src-main/shared/contract/errors';
import { decodeEdgeKey, encodeEdgeKey, inspectEdgeKey, inspectKeyText } from '../../../src-main/shared/domain/edgeKey';
import { buildInstallCommand } from '../../../src-main/shared/domain/installCommands';
import { supportedPlatforms } from '../../../src-main/shared/domain/versions';
import type { HostRecord, RunSummary } from '../../../src-main/shared/schemas/run';
import { setRawApi } from '../../../src-renderer/api';
import { createPreferencesHandlers } from '../../../src-main/services/app/uiPreferences';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// happy-dom has no FontFaceSet; Mantine's autosize Textarea listens on document.fonts.
if (typeof document !== 'undefined' && !('fonts' in document)) {
  Object.defineProperty(document, 'fonts', { value: new EventTarget(), configurable: true });
}

type Handler = (request: never) => unknown;

/** The pure-core calls, answered by the real domain functions, as main's handlers do. */
const domainHandlers: Record<string, Handler> = {
  'key:decode': ({ key }: { key: string }) => {
    const fields = decodeEdgeKey(key);
    return { fields, warnings: [...inspectKeyText(key), ...inspectEdgeKey(fields)] };
  },
  'key:encode': (fields: Parameters<typeof encodeEdgeKey>[0]) => ({ key: encodeEdgeKey(fields) }),
  'commands:build': (options: Parameters<typeof buildInstallCommand>[0]) => ({ command: buildInstallCommand(options), options }),
  'commands:platforms': ({ serverVersion, os }: { serverVersion: string; os: 'linux' | 'windows' }) => ({ platforms: supportedPlatforms(serverVersion, os) }),
};

export interface FakeTransport extends Transport {
  /** Every call made, in order. */
  log: { channel: string; payload: unknown }[];
  /** Replaces the answer of one channel (a canned envelope or a function of the request). */
  override(channel: string, answer: Envelope<unknown> | ((payload: unknown) => Envelope<unknown>)): void;
  emit(event: string, payload: unknown): void;
}

/** Thrown when a fake answer or event does not match what main sends (the contract's schemas). */
export class ContractDriftError extends Error {}

/**
 * Drifts seen inside invoke: the UI code may swallow a failed call (a background refresh), so the
 * drift is also kept here and fails the test after it ends.
 */
const drifts: string[] = [];
/** The drifts seen in calls so far (and forgets them): for a test that drifts on purpose. */
export function takeDrifts(): string[] {
  return drifts.splice(0);
}
afterEach(() => {
  const seen = drifts.splice(0);
  if (seen.length) throw new ContractDriftError(seen.join('\n'));
});

function checkShape(what: string, schema: { safeParse(x: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } } | undefined, value: unknown): void {
  if (!schema) return;
  const r = schema.safeParse(value);
  if (r.success) return;
  const issue = r.error!.issues[0]!;
  const text = `The fake ${what} drifts from the contract at ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
  throw new ContractDriftError(text);
}

/** A fake answer for `channel`: an ok envelope's data must match the call's response schema. */
function checkAnswer(channel: string, envelope: Envelope<unknown>): Envelope<unknown> {
  if (envelope.ok && isCallName(channel)) checkShape(`answer of ${channel}`, responseSchemaOf(channel), envelope.data);
  return envelope;
}

/** An ok envelope: a canned answer of main. */
export const ok = <T,>(data: T) => ({ ok: true as const, data });

/** A run summary as main writes it (every field the schema requires), with `patch` on top; counts follow the hosts. */
export function runSummary(patch: Partial<RunSummary> & { hosts?: HostRecord[] } = {}): RunSummary {
  const hosts = patch.hosts ?? [];
  const counts: RunSummary['counts'] = { pending: 0, running: 0, succeeded: 0, unchanged: 0, failed: 0, cancelled: 0, skipped: 0 };
  for (const h of hosts) counts[h.status]++;
  return { runId: '20261128T210000-abcdef', createdAt: '2026-11-28T21:00:00.000Z', updatedAt: '2026-11-28T21:00:01.000Z', finished: false, options: {}, counts, ...patch, hosts };
}

/** One host of a summary: attempt 1 unless given. */
export function hostRecord(patch: Partial<HostRecord> & Pick<HostRecord, 'target' | 'status'>): HostRecord {
  return { attempts: 1, ...patch };
}

/**
 * A transport like main's dispatcher: validates the request with the contract's zod schema,
 * then runs the real domain function; AppErrors become error envelopes. Canned answers and
 * emitted events are checked against the contract's response and event schemas where it has
 * them: a fake that drifts from what main sends fails its test (ContractDriftError).
 */
export function fakeTransport(): FakeTransport {
  // Main's own preferences handlers over a store in memory: each page test starts from the defaults.
  const preferences = createPreferencesHandlers(new MemoryStore()) as Record<string, Handler>;
  const overrides = new Map<string, Envelope<unknown> | ((payload: unknown) => Envelope<unknown>)>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const log: FakeTransport['log'] = [];
  return {
    log,
    override: (channel, answer) => {
      if (typeof answer !== 'function') checkAnswer(channel, answer);
      overrides.set(channel, answer);
    },
    emit: (event, payload) => {
      checkShape(`event ${event}`, eventSchemas[event as EventName], payload);
      listeners.get(event)?.forEach((l) => l(payload));
    },
    async invoke(channel, payload) {
      log.push({ channel, payload });
      const canned = overrides.get(channel);
      if (canned && typeof canned !== 'function') return canned;
      if (canned) {
        try {
          return checkAnswer(channel, canned(payload));
        } catch (err) {
          if (err instanceof ContractDriftError) drifts.push(err.message);
          throw err;
        }
      }
      if (!isCallName(channel)) return { ok: false, error: { code: 'not_found', message: `Unknown call ${channel}` } };
      const parsed = calls[channel].request.safeParse(payload ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.');
        return { ok: false, error: { code: 'invalid_input', message: `${field}: ${issue.message}`, field } };
      }
      const handler = domainHandlers[channel] ?? preferences[channel];
      if (!handler) return { ok: false, error: { code: 'unavailable', message: `No fake for ${channel}` } };
      try {
        return { ok: true, data: handler(parsed.data as never) };
      } catch (err) {
        if (err instanceof AppError) return { ok: false, error: err.toInfo() };
        throw err;
      }
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

/** Puts a fake transport under the renderer's `api`. */
export function useFakeApi(): FakeTransport {
  const transport = fakeTransport();
  setRawApi(createRawApi(transport));
  return transport;
}

export interface Rendered {
  container: HTMLElement;
  unmount(): void;
}

export async function render(node: ReactNode): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  let root: Root;
  await act(async () => {
    root = createRoot(container);
    root.render(<MantineProvider>{node}</MantineProvider>);
  });
  return {
    container,
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Types into a React-controlled input or textarea the way a user's keystroke arrives. */
export async function typeInto(el: Element | null, value: string): Promise<void> {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) throw new Error(`Not an input: ${String(el)}`);
  const proto = el instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function click(el: Element | null): Promise<void> {
  if (!(el instanceof HTMLElement)) throw new Error(`Not an element: ${String(el)}`);
  await act(async () => {
    el.click();
  });
}

/** Polls until `check` passes (debounces and async calls settle), or throws its last error. */
export async function waitFor<T>(check: () => T, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
  }
}

/** The input element whose <label> reads `label` exactly. */
export function inputByLabel(container: HTMLElement, label: string): HTMLInputElement | HTMLTextAreaElement {
  const found = [...container.querySelectorAll('label')].find((l) => l.textContent?.replace(/\s*\*$/, '').trim() === label);
  if (!found) throw new Error(`No label "${label}"`);
  const id = found.getAttribute('for');
  const el = id ? container.ownerDocument.getElementById(id) : null;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) throw new Error(`Label "${label}" points at no input`);
  return el;
}

/** The error text Mantine shows for an input (linked by aria-describedby). */
export function errorOf(el: Element): string | undefined {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  for (const id of ids) {
    const node = el.ownerDocument.getElementById(id);
    if (node && id.endsWith('-error')) return node.textContent ?? '';
  }
  return undefined;
}
