import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../../src-main/cli/io';
import { PortainerClient } from '../../../src-main/services/portainer/client';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ADMIN_PASSWORD = 'prestage-admin-pw-1';

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `edgedeck-prestage-${prefix}-`));
}

let aptUpdated = false;

/**
 * The Debian tool `bin` (package `pkg`): installed with apt-get when missing and we are root.
 * Returns undefined when usable, else the reason to skip (tests print it and skip, never silently).
 */
export function ensureTool(bin: string, pkg: string): string | undefined {
  const has = () => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
  if (has()) return undefined;
  if (process.getuid?.() !== 0) return `${bin} is missing and the tests are not root, so apt-get install ${pkg} cannot run`;
  try {
    if (!aptUpdated) {
      execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (e) {
    return `apt-get install ${pkg} failed (${(e as Error).message.split('\n')[0]})`;
  }
  return has() ? undefined : `${bin} is still missing after apt-get install ${pkg}`;
}

export function skipReason(what: string, reason: string | undefined): boolean {
  if (reason) console.log(`SKIP ${what}: ${reason}`);
  return reason !== undefined;
}

export interface Captured extends CliIo {
  out: string;
  err: string;
}

export function captureIo(stdin = ''): Captured {
  const io: Captured = {
    out: '',
    err: '',
    stdout: (t) => {
      io.out += t;
    },
    stderr: (t) => {
      io.err += t;
    },
    readStdin: async () => stdin,
    stopSignal: new AbortController().signal,
  };
  return io;
}

export function adminClient(url: string): PortainerClient {
  return new PortainerClient({ url, tls: { mode: 'insecure' }, credentials: { kind: 'password', username: 'admin', password: ADMIN_PASSWORD }, getAttempts: 1 });
}

/** A `docker` stand-in (test/fixtures/ssh/dockerStandIn.mjs) first on PATH, with its own state folder. */
export function dockerStandIn(): { binDir: string; stateDir: string; path: string; argv(): string[][]; envFiles(): Array<{ path: string; mode: string; content: string }>; stop(): void } {
  const base = tmp('docker');
  const binDir = join(base, 'bin');
  const stateDir = join(base, 'state');
  mkdirSync(binDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const standIn = join(repo, 'test', 'fixtures', 'ssh', 'dockerStandIn.mjs');
  writeFileSync(join(binDir, 'docker'), `#!/bin/sh\nexec ${process.execPath} ${standIn} ${stateDir} "$@"\n`);
  chmodSync(join(binDir, 'docker'), 0o755);
  const lines = (f: string) => (existsSync(join(stateDir, f)) ? readFileSync(join(stateDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  return {
    binDir,
    stateDir,
    path: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    argv: () => lines('argv.log').map((l: { argv: string[] }) => l.argv),
    envFiles: () => lines('envfiles.log'),
    stop() {
      try {
        const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { containers: Record<string, { pid?: number }> };
        for (const c of Object.values(state.containers)) {
          if (!c.pid) continue;
          try {
            process.kill(-c.pid, 'SIGTERM');
          } catch {
            try {
              process.kill(c.pid, 'SIGTERM');
            } catch {
              /* gone */
            }
          }
        }
      } catch {
        /* no containers */
      }
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** python3 with PyYAML (a dependency of yamllint and cloud-init), for parsing YAML in tests. */
export function yamlLoadAll(file: string): unknown[] {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const out = execFileSync(py, ['-c', 'import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))', file], { encoding: 'utf8' });
  return JSON.parse(out) as unknown[];
}
