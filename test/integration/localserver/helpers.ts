import { createDecipheriv, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, FormData, request } from 'undici';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../../src-main/services/localserver';

export const ADMIN_PASSWORD = 'test-admin-password-1';

export interface Harness {
  server: LocalServer;
  dir: string;
  clock: { t: number };
  /** Captured tunnel sweep callback (injected timers). */
  sweep: () => void;
  dispatcher: Agent;
  call(method: string, path: string, init?: { headers?: Record<string, string>; body?: string | FormData | URLSearchParams; token?: string }): Promise<Res>;
  login(): Promise<string>;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API responses are read field by field in the tests
export type J = any;

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: J;
}

export async function startHarness(opts: Partial<LocalServerOptions> & { dir?: string } = {}): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'edgedeck-ls-'));
  const clock = { t: Date.parse('2025-03-01T12:00:00Z') };
  let sweep: () => void = () => {};
  const server = await startLocalServer({
    port: 0,
    tunnelPort: 0,
    adminPassword: ADMIN_PASSWORD,
    now: () => clock.t,
    timers: {
      setInterval: (fn) => {
        sweep = fn;
        return 1;
      },
      clearInterval: () => {},
    },
    saveDebounceMs: 20,
    ...opts,
    dataDir: dir,
  });
  const dispatcher = new Agent({ connect: server.caPem ? { ca: server.caPem } : {} });
  let token: string | undefined;
  const h: Harness = {
    server,
    dir,
    clock,
    get sweep() {
      return sweep;
    },
    dispatcher,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      const r = await request(server.url + path, { method: method as 'GET', headers, body: init.body as never, dispatcher });
      const text = await r.body.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: r.statusCode, headers: r.headers, text, json };
    },
    async login() {
      if (token) return token;
      const r = await h.call('POST', '/api/auth', { body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }), headers: { 'content-type': 'application/json' } });
      if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
      token = r.json.jwt as string;
      return token;
    },
    async close() {
      await server.close();
      await dispatcher.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Creates an Edge environment with a multipart form, as Portainer's UI does. */
export async function createEdgeEnv(h: Harness, name: string, extra: Record<string, string> = {}): Promise<Res> {
  const form = new FormData();
  form.set('Name', name);
  form.set('EndpointCreationType', '4');
  form.set('URL', extra.URL ?? 'https://portainer.example.com:9443');
  for (const [k, v] of Object.entries(extra)) if (k !== 'URL') form.set(k, v);
  return h.call('POST', '/api/endpoints', { body: form, token: await h.login() });
}

export function pollHeaders(edgeId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'portainer-agent': '2.23.0',
    'x-portaineragent-edgeid': edgeId,
    'x-portaineragent-timezone': 'UTC',
    'portainer-agent-platform': '1',
    'x-portaineragent-update-id': '0',
    'if-none-match': '',
    ...extra,
  };
}

/** Decrypts poll credentials as the agent does (AES-256-GCM, key = hex MD5 of the Edge ID), written independently of the server's code. */
export function decryptCredentials(credentials: string, edgeId: string): string {
  const key = Buffer.from(createHash('md5').update(edgeId).digest('hex'));
  const data = Buffer.from(credentials, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]).toString('utf8');
}
