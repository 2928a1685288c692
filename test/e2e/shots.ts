import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ADMIN_PASSWORD_SECRET, AGENT_SECRET, EDGE_KEY_SECRET, NOMAD_TOKEN_SECRET } from '../../src-main/cli/secretFlags';

/** Saves docs/screenshots/<name>.png, only with EDGEDECK_SCREENSHOTS=1 (normal runs leave tracked files alone). */
export async function shot(page: Page, name: string): Promise<void> {
  if (process.env.EDGEDECK_SCREENSHOTS !== '1') return;
  mkdirSync('docs/screenshots', { recursive: true });
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: false, animations: 'disabled' });
}

/** A child `edgedeck …` process whose stdout is collected; stop() ends it (SIGTERM, then SIGKILL). */
export interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  stop: () => Promise<void>;
}

/** `env`: extra environment variables, the way secrets reach the CLI (EDGEDECK_*), never argv. */
export function startCli(args: string[], env: Record<string, string> = {}): Child {
  // The tests hold themselves to the rule they check: a secret in argv is readable by every local user.
  const argvSecret = [ADMIN_PASSWORD_SECRET, AGENT_SECRET, EDGE_KEY_SECRET, NOMAD_TOKEN_SECRET].find((s) => args.includes(`--${s.name}`));
  if (argvSecret) throw new Error(`startCli: pass ${argvSecret.label} as $${argvSecret.env}, not --${argvSecret.name} in argv`);
  const proc = spawn(process.execPath, ['bin/edgedeck.mjs', ...args], { cwd: process.cwd(), env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  return { proc, out: () => out, err: () => err, stop };
}

/** Waits for the first stdout line that parses as JSON. */
export async function firstJsonLine<T>(child: Child, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of child.out().split('\n')) {
      const t = line.trim();
      if (t.startsWith('{')) {
        try {
          return JSON.parse(t) as T;
        } catch {
          // incomplete line
        }
      }
    }
    if (child.proc.exitCode !== null) throw new Error(`the process exited with ${child.proc.exitCode}:\n${child.err()}`);
    if (Date.now() > deadline) throw new Error(`no JSON line within ${timeoutMs} ms:\n${child.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
