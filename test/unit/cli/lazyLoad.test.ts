import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { fakeIo } from './cliIo';
import { KEY } from '../domain/commandTexts';

// Records which command modules get evaluated: `--help` and `key` must not load serve's app graph
// or install's SSH stack (#13.5, #16.2: only the running command's module is loaded).
const loaded = vi.hoisted(() => [] as string[]);
vi.mock('../../../src-main/cli/commands/serve', async (original) => {
  loaded.push('serve');
  return original();
});
vi.mock('../../../src-main/cli/commands/start', async (original) => {
  loaded.push('start');
  return original();
});
vi.mock('../../../src-main/cli/commands/install/command', async (original) => {
  loaded.push('install/command');
  return original();
});
vi.mock('../../../src-main/cli/commands/export', async (original) => {
  loaded.push('export');
  return original();
});
vi.mock('../../../src-main/cli/commands/env', async (original) => {
  loaded.push('env');
  return original();
});
vi.mock('../../../src-main/cli/commands/sim', async (original) => {
  loaded.push('sim');
  return original();
});
vi.mock('../../../src-main/cli/commands/agents', async (original) => {
  loaded.push('agents');
  return original();
});
vi.mock('../../../src-main/cli/commands/command', async (original) => {
  loaded.push('command');
  return original();
});

describe('the CLI loads only the command that runs', () => {
  it('--help lists every command without loading any', async () => {
    const io = fakeIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/serve .*\n[\s\S]*install .*\n/);
    expect(loaded).toEqual([]);
  });

  it('key decode loads key only; serve --help loads serve', async () => {
    const io = fakeIo(KEY);
    expect(await main(['key', 'decode', '-'], io)).toBe(0);
    expect(loaded).toEqual([]);
    expect(await main(['serve', '--help'], fakeIo())).toBe(0);
    expect(loaded).toEqual(['serve']);
  });
});
