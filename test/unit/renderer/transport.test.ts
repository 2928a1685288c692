import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRawApi } from '../../../src-main/shared/contract/client';
import { AppError } from '../../../src-main/shared/contract/errors';
import { api, setRawApi } from '../../../src-renderer/api';
import { webTransport, type ConnectionState } from '../../../src-renderer/transport/web';

const ORIGIN = 'http://127.0.0.1:4567';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A stand-in for the browser WebSocket: records instances, lets the test open/close/message them. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
  serverOpen() {
    this.onopen?.();
  }
  serverSend(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
  serverDrop() {
    this.onclose?.();
  }
}

afterEach(() => {
  FakeSocket.instances = [];
  vi.useRealTimers();
});

describe('web transport: calls', () => {
  it('POSTs the request as JSON to /rpc/<channel>, same-origin, and returns the envelope', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, data: { key: 'abc' } }));
    const t = webTransport({ origin: ORIGIN, fetch: fetch as unknown as typeof globalThis.fetch });
    const envelope = await t.invoke('key:encode', { portainerUrl: 'https://x' });
    expect(envelope).toEqual({ ok: true, data: { key: 'abc' } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${ORIGIN}/rpc/key:encode`);
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ portainerUrl: 'https://x' });
  });

  it('passes an error envelope of a 4xx through, so its field reaches the form', async () => {
    const error = { code: 'invalid_input', message: 'edgeId: bad', field: 'edgeId' };
    const t = webTransport({ origin: ORIGIN, fetch: (async () => jsonResponse({ ok: false, error }, 400)) as typeof fetch });
    expect(await t.invoke('commands:build', {})).toEqual({ ok: false, error });
  });

  it('turns a network failure or a non-envelope body into an error envelope, never a throw', async () => {
    const down = webTransport({ origin: ORIGIN, fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
    const e1 = await down.invoke('sim:status', {});
    expect(e1.ok).toBe(false);
    expect(!e1.ok && e1.error.code).toBe('unavailable');
    expect(!e1.ok && e1.error.message).toMatch(/edgedeck serve/);

    const html = webTransport({ origin: ORIGIN, fetch: (async () => new Response('<html>502</html>', { status: 502 })) as typeof fetch });
    const e2 = await html.invoke('sim:status', {});
    expect(!e2.ok && e2.error.code).toBe('internal');

    const odd = webTransport({ origin: ORIGIN, fetch: (async () => jsonResponse({ hello: 1 })) as typeof fetch });
    expect((await odd.invoke('sim:status', {})).ok).toBe(false);

    const refused = webTransport({ origin: ORIGIN, fetch: (async () => new Response('no', { status: 401 })) as typeof fetch });
    const e3 = await refused.invoke('sim:status', {});
    expect(!e3.ok && e3.error.code).toBe('unauthorized');
  });
});

describe('web transport: events', () => {
  it('opens one socket at ws://<host>/events lazily and routes messages by event name', () => {
    const t = webTransport({ origin: ORIGIN, WebSocket: FakeSocket as unknown as typeof WebSocket });
    expect(FakeSocket.instances).toHaveLength(0);
    const groups: unknown[] = [];
    const polls: unknown[] = [];
    const off1 = t.subscribe('agents:groups', (p) => groups.push(p));
    t.subscribe('agents:polls', (p) => polls.push(p));
    expect(FakeSocket.instances).toHaveLength(1);
    const ws = FakeSocket.instances[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:4567/events');
    ws.serverOpen();
    ws.serverSend({ event: 'agents:groups', payload: { groups: [] } });
    ws.serverSend({ event: 'agents:polls', payload: { samples: [1] } });
    ws.serverSend('not json');
    ws.serverSend({ nothing: true });
    expect(groups).toEqual([{ groups: [] }]);
    expect(polls).toEqual([{ samples: [1] }]);
    off1();
    ws.serverSend({ event: 'agents:groups', payload: { groups: [2] } });
    expect(groups).toHaveLength(1);
  });

  it('uses wss on an https page', () => {
    const t = webTransport({ origin: 'https://edgedeck.local:8443', WebSocket: FakeSocket as unknown as typeof WebSocket });
    t.subscribe('sim:status', () => {});
    expect(FakeSocket.instances[0]!.url).toBe('wss://edgedeck.local:8443/events');
  });

  it('reconnects with growing backoff after a drop and reports the state for the banner', async () => {
    vi.useFakeTimers();
    const states: ConnectionState[] = [];
    const delays: number[] = [];
    const t = webTransport({
      origin: ORIGIN,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      minRetryMs: 100,
      maxRetryMs: 1000,
      onConnectionChange: (s, d) => {
        states.push(s);
        if (s === 'retrying') delays.push(d!);
      },
    });
    const got: unknown[] = [];
    t.subscribe('sim:status', (p) => got.push(p));
    FakeSocket.instances[0]!.serverOpen();
    expect(t.connectionState).toBe('open');

    FakeSocket.instances[0]!.serverDrop();
    expect(t.connectionState).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1]!.serverDrop(); // fails again before opening
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.instances).toHaveLength(3);
    FakeSocket.instances[2]!.serverOpen();
    FakeSocket.instances[2]!.serverSend({ event: 'sim:status', payload: { running: true } });
    expect(got).toEqual([{ running: true }]);
    expect(states).toEqual(['connecting', 'open', 'retrying', 'connecting', 'retrying', 'connecting', 'open']);
    // Jittered in [base/2, base]: 100 then 200.
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);

    t.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(FakeSocket.instances).toHaveLength(3);
  });

  it('stops retrying once nobody listens', async () => {
    vi.useFakeTimers();
    const t = webTransport({ origin: ORIGIN, WebSocket: FakeSocket as unknown as typeof WebSocket, minRetryMs: 100 });
    const off = t.subscribe('sim:status', () => {});
    FakeSocket.instances[0]!.serverDrop();
    off();
    await vi.advanceTimersByTimeAsync(5000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(t.connectionState).toBe('idle');
  });
});

describe('api', () => {
  it('unwraps data and throws AppError with code and field from an error envelope', async () => {
    setRawApi(
      createRawApi({
        invoke: async (channel) =>
          channel === 'key:decode'
            ? { ok: false, error: { code: 'invalid_input', message: 'The Edge key is not base64.', field: 'edgeKey' } }
            : { ok: true, data: { platforms: ['standalone'] } },
        subscribe: () => () => {},
      }),
    );
    await expect(api.commands.platforms({ serverVersion: '2.23.0', os: 'linux' })).resolves.toEqual({ platforms: ['standalone'] });
    const err = await api.key.decode({ key: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_input', field: 'edgeKey', message: 'The Edge key is not base64.' });
  });

  it('sends {} for a call made without a request and routes on() to the transport', async () => {
    const seen: [string, unknown][] = [];
    const listeners: string[] = [];
    setRawApi(
      createRawApi({
        invoke: async (channel, payload) => {
          seen.push([channel, payload]);
          return { ok: true, data: { running: false } };
        },
        subscribe: (event) => {
          listeners.push(event);
          return () => {};
        },
      }),
    );
    await api.sim.status();
    expect(seen).toEqual([['sim:status', {}]]);
    api.on('agents:polls', () => {});
    expect(listeners).toEqual(['agents:polls']);
    expect(Object.isFrozen(api)).toBe(true);
  });
});
