import type { Transport } from '../../src-main/shared/contract/client';
import type { Envelope, ErrorInfo } from '../../src-main/shared/contract/errors';

/**
 * The contract over the web bridge (`edgedeck serve`, same origin):
 * - calls: `POST /rpc/<channel>`, JSON body, the launch-token cookie goes along (same-origin);
 *   the answer is always an Envelope, also on 4xx;
 * - events: one WebSocket at `/events`, each message `{"event": name, "payload": {...}}`,
 *   reopened with backoff while anyone listens.
 *
 * The token lives in an HttpOnly cookie: this module never reads or stores it.
 */

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'retrying';

export interface WebTransportOptions {
  /** Base for URLs; defaults to the page's own origin. */
  origin?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Told when the event socket opens, drops or retries (for the "connection lost" banner). */
  onConnectionChange?: (state: ConnectionState, retryInMs?: number) => void;
  /** Backoff bounds for reopening the event socket. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface WebTransport extends Transport {
  /** Closes the event socket and stops retrying. */
  close(): void;
  readonly connectionState: ConnectionState;
}

function failure(code: ErrorInfo['code'], message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'data' in v;
  if (v.ok === false) {
    const e = v.error as Record<string, unknown> | undefined;
    return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
  }
  return false;
}

export function webTransport(options: WebTransportOptions = {}): WebTransport {
  const origin = options.origin ?? globalThis.location?.origin ?? 'http://127.0.0.1';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const minRetry = options.minRetryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 10_000;

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let state: ConnectionState = 'idle';
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const setState = (next: ConnectionState, retryInMs?: number) => {
    state = next;
    options.onConnectionChange?.(next, retryInMs);
  };

  const eventsUrl = () => {
    const url = new URL('/events', origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  };

  const hasListeners = () => [...listeners.values()].some((set) => set.size > 0);

  const scheduleRetry = () => {
    if (closed || retryTimer !== undefined || !hasListeners()) {
      if (!hasListeners()) setState('idle');
      return;
    }
    // Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at maxRetry.
    const base = Math.min(maxRetry, minRetry * 2 ** attempt);
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    attempt += 1;
    setState('retrying', delay);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      open();
    }, delay);
  };

  /** Drops the socket and any pending retry: idle until a listener opens it again (after close(), never). */
  const disconnect = () => {
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    const ws = socket;
    socket = undefined;
    ws?.close();
    setState('idle');
  };

  const open = () => {
    if (closed || socket || !hasListeners() || !Socket) return;
    setState('connecting');
    let ws: WebSocket;
    try {
      ws = new Socket(eventsUrl());
    } catch {
      scheduleRetry();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
    };
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const { event, payload } = parsed as { event?: unknown; payload?: unknown };
      if (typeof event !== 'string') return;
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(payload);
        } catch (err) {
          console.error(`Listener for ${event} failed`, err);
        }
      }
    };
    ws.onclose = () => {
      if (socket === ws) socket = undefined;
      scheduleRetry();
    };
    // An error is always followed by close; retry happens there.
    ws.onerror = () => {};
  };

  return {
    get connectionState() {
      return state;
    },

    async invoke(channel, payload) {
      let response: Response;
      try {
        response = await doFetch(new URL(`/rpc/${channel.split(':').map(encodeURIComponent).join(':')}`, origin).toString(), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(payload ?? {}),
        });
      } catch {
        return failure('unavailable', 'Cannot reach the Edgedeck bridge. Check that `edgedeck serve` is still running, then try again.');
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return failure(
          response.status === 401 || response.status === 403 ? 'unauthorized' : 'internal',
          response.status === 401 || response.status === 403
            ? 'The bridge refused this page. Open the link `edgedeck serve` printed again.'
            : `The bridge answered HTTP ${response.status} without a result. Check the \`edgedeck serve\` log.`,
        );
      }
      if (!isEnvelope(body)) return failure('internal', `The bridge answered ${channel} with an unexpected shape. Check the \`edgedeck serve\` log.`);
      return body;
    },

    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      open();
      return () => {
        set.delete(listener);
        if (!hasListeners()) disconnect();
      };
    },

    close() {
      closed = true;
      disconnect();
    },
  };
}
