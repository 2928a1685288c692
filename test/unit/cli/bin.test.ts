import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY } from '../domain/commandTexts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('edgedeck binary', () => {
  it('is the file package.json names, and prints package.json\'s version for --version and -v', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(existsSync(join(root, pkg.bin.edgedeck!))).toBe(true);
    for (const flag of ['--version', '-v']) {
      const r = spawnSync(process.execPath, [pkg.bin.edgedeck!, flag], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout).toBe(`${pkg.version}\n`);
      expect(r.status).toBe(0);
    }
    // It ran the bundle (built on demand when the sources are newer), not the TypeScript sources.
    expect(existsSync(join(root, 'out', 'cli', 'main.js'))).toBe(true);
  });

  it('decodes a key as a real process', () => {
    const r = spawnSync(process.execPath, ['bin/edgedeck.mjs', 'key', 'decode', '-'], { cwd: root, input: KEY, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      '{"portainerUrl":"https://portainer.example.com:9443","tunnelAddress":"portainer.example.com:8000","tunnelFingerprint":"Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=","environmentId":7,"global":false}\n',
    );
  });

  it('keeps long-running commands alive until they are stopped (agents without --duration)', async () => {
    // Services unref their timers; the command itself must keep the process up until SIGTERM.
    const child = spawn(process.execPath, ['bin/edgedeck.mjs', 'agents', '--edge-id', 'keepalive-1'], { cwd: root, env: { ...process.env, EDGEDECK_EDGE_KEY: KEY } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait for the command's first line (it has started and installed its handlers: on a loaded
    // machine start-up alone can take seconds), then for longer than an idle process would live.
    const started = Date.now();
    while (!out.includes('\n') && child.exitCode === null && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    expect(out, err).toContain('\n');
    await new Promise((r) => setTimeout(r, 2000));
    expect(child.exitCode, err).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"summary":true');
  }, 40_000);
});
