import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const KEY =
  'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxabTl2WW1GeVltRjZjWFY0Wm05dlltRnlZbUY2Y1hWNFptOXZZbUZ5WW1FPXw3';

describe('edgedeck binary', () => {
  it('decodes a key as a real process', () => {
    const r = spawnSync(process.execPath, ['src-main/cli/bin.mjs', 'key', 'decode', KEY], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      '{"portainerUrl":"https://portainer.example.com:9443","tunnelAddress":"portainer.example.com:8000","tunnelFingerprint":"Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=","environmentId":7,"global":false}\n',
    );
  });

  it('keeps long-running commands alive until they are stopped (agents without --duration)', async () => {
    // Services unref their timers; the command itself must keep the process up until SIGTERM.
    const child = spawn(process.execPath, ['src-main/cli/bin.mjs', 'agents', '--edge-key', KEY, '--edge-id', 'keepalive-1'], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 4000));
    expect(child.exitCode, err).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"summary":true');
  }, 30_000);
});
