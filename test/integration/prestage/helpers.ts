import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../../src-main/cli/io';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import type { Engine } from '../../fixtures/engine/dockerd';
import { readDockerCalls, writeHostDocker, type DockerCall } from '../../fixtures/engine/hostDocker';

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

/**
 * This machine's `docker` for a bundle run as root: the real CLI on a test engine's socket
 * (test/fixtures/engine/hostDocker.ts), first on PATH, recording each call (argv, the env file's
 * mode) in its own folder.
 */
export function engineDocker(engine: Pick<Engine, 'host'>): { binDir: string; path: string; calls(): DockerCall[] } {
  const base = tmp('docker');
  const binDir = join(base, 'bin');
  mkdirSync(binDir, { recursive: true });
  writeHostDocker(binDir, base, engine);
  return { binDir, path: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, calls: () => readDockerCalls(base) };
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
