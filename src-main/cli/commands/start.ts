import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, CliIo } from '../io';
import { ensureBuilt } from '../build';
import { packageRoot } from '../paths';

/** The browser UI, loaded only when the desktop window cannot open. */
async function serve(args: string[], io: CliIo): Promise<number> {
  return (await import('./serve')).serveCommand.run(args, io);
}

const electronDir = join(packageRoot, 'node_modules', 'electron');

/** Path of the Electron binary, fetching it once if the package allows (it downloads lazily). */
function electronBinary(io: CliIo): { path?: string; reason?: string } {
  if (!existsSync(join(electronDir, 'package.json'))) return { reason: 'the electron package is not installed' };
  const pathFile = join(electronDir, 'path.txt');
  const resolved = () => (existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined);
  let bin = resolved();
  if (!bin || !existsSync(bin)) {
    io.stderr('edgedeck: fetching the Electron binary (first run)…\n');
    const fetch = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: 'ignore', timeout: 120_000 });
    bin = resolved();
    if (fetch.status !== 0 || !bin || !existsSync(bin)) {
      return { reason: 'the Electron binary could not be downloaded (no access to its download host from this machine)' };
    }
  }
  return { path: bin };
}

/** Not a defineCommand: its options are serve's, passed on untouched when it falls back. */
export const startCommand: Command = {
  name: 'start',
  usage: 'edgedeck start [serve options]  — builds when needed; without Electron or a display it runs `edgedeck serve`.',
  async run(args, io) {
    await ensureBuilt(io);
    const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
    const electron = noDisplay ? { reason: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' } : electronBinary(io);
    if (!electron.path) {
      io.stderr(`edgedeck: desktop window unavailable: ${electron.reason}; opening the web UI instead.\n`);
      return serve(args, io);
    }
    const child = spawn(electron.path, [packageRoot], { stdio: 'inherit' });
    io.stopSignal.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
    return new Promise<number>((resolve) => {
      child.on('exit', (code) => resolve(code ?? 0));
      child.on('error', (err) => {
        io.stderr(`edgedeck: Electron failed to start (${err.message}); opening the web UI instead.\n`);
        void serve(args, io).then(resolve);
      });
    });
  },
};
