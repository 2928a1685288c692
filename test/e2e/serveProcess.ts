import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real `edgedeck serve` process (bridge + embedded local server) per test file, with its own
 * data folder. The test gets the launch URL it printed, as a user would.
 */
export interface ServedApp {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stderr: () => string;
}

/** `dataDir`: reuse a data folder (a restart); the caller then owns it and stop() leaves it. */
export async function startServe(extraArgs: string[] = [], options: { dataDir?: string } = {}): Promise<{ app: ServedApp; stop: () => Promise<void> }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'edgedeck-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/edgedeck.mjs', 'serve', '--no-open', '--data', dataDir, ...extraArgs], {
    cwd: process.cwd(),
    // The session log goes beside the test's data, not into the user's log folder.
    env: { ...process.env, CI: '1', EDGEDECK_LOG_DIR: join(dataDir, 'logs') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`edgedeck serve did not start within 60 s:\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`edgedeck serve exited with ${code}:\n${err}`)));
  });
  const parsed = new URL(url);
  const app: ServedApp = { url, origin: parsed.origin, token: parsed.searchParams.get('token')!, dataDir, stderr: () => err };
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { app, stop };
}
