import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guardProcess, onProcessProblem } from '../../../src-main/services/logging/crashGuard';
import { createLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

describe('guardProcess (no error in a callback ends the process)', () => {
  it('logs and reports an unhandled rejection and an uncaught exception, redacted; the remover detaches', () => {
    const proc = new EventEmitter();
    const lines: string[] = [];
    const redactor = new Redactor();
    redactor.add('hunter2-secret');
    const reports: string[] = [];
    const stopReports = onProcessProblem((p) => reports.push(p.message));
    const stop = guardProcess({ logger: createLogger({ redactor, sink: (l) => lines.push(l) }), redact: (t) => redactor.redact(t), proc: proc as never });
    proc.emit('unhandledRejection', new TypeError('protocol._destruct is not a function'));
    proc.emit('uncaughtException', new Error('boom with hunter2-secret'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/unhandled rejection, caught; the process keeps running: .*protocol\._destruct is not a function/);
    expect(lines[1]).toMatch(/uncaught exception/);
    expect(lines.join('\n')).not.toContain('hunter2-secret');
    expect(reports).toEqual([
      'An internal error was caught and Edgedeck kept running: protocol._destruct is not a function',
      'An internal error was caught and Edgedeck kept running: boom with [redacted]',
    ]);
    stop();
    stopReports();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('a real Node process with the guard survives a rejection nobody handles (without it, Node exits with code 1)', () => {
    const script = (guarded: boolean) => `
      const { guardProcess } = await import(${JSON.stringify(repo + 'src-main/services/logging/crashGuard.ts')});
      const { createLogger } = await import(${JSON.stringify(repo + 'src-main/services/logging/logger.ts')});
      if (${guarded}) guardProcess({ logger: createLogger({ sink: (l) => process.stdout.write(l + '\\n') }) });
      Promise.reject(new TypeError('protocol._destruct is not a function'));
      setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
      setTimeout(() => process.stdout.write('still alive\\n'), 100);
    `;
    const run = (guarded: boolean) => {
      try {
        return { code: 0, out: execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(guarded)], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
      } catch (e) {
        return { code: (e as { status: number }).status, out: String((e as { stdout: string }).stdout) };
      }
    };
    const guarded = run(true);
    expect(guarded.code).toBe(0);
    expect(guarded.out).toMatch(/unhandled rejection, caught/);
    expect(guarded.out).toMatch(/uncaught exception, caught.*thrown from a timer/);
    expect(guarded.out).toContain('still alive');
    const bare = run(false);
    expect(bare.code).toBe(1);
    expect(bare.out).not.toContain('still alive');
  }, 30_000);
});
