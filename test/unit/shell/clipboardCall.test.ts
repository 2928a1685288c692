import { describe, expect, it } from 'vitest';
import { createPlatformHandlers } from '../../../src-main/services/platform/handlers';
import { createDispatcher, type Handlers } from '../../../src-main/services/rpc/dispatcher';
import { createLogger } from '../../../src-main/services/logging/logger';

// The desktop app copies through main (`clipboard:write`); the answer says whether the text landed.
const SECRET = 'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMA';

function dispatcher(writeClipboard?: (text: string) => Promise<void>) {
  const lines: string[] = [];
  const logger = createLogger({ scope: 'test', sink: (line) => lines.push(line) });
  const handlers = createPlatformHandlers({ transport: writeClipboard ? 'ipc' : 'web', ...(writeClipboard ? { writeClipboard } : {}) });
  return { d: createDispatcher(handlers as Handlers, logger), lines };
}

describe('clipboard:write', () => {
  it('hands main the exact text and answers copied', async () => {
    const got: string[] = [];
    const { d } = dispatcher(async (t) => {
      got.push(t);
    });
    const text = `${SECRET}\n  tail with spaces  `;
    expect(await d.invoke('clipboard:write', { text })).toEqual({ ok: true, data: { copied: true } });
    expect(got).toEqual([text]);
    expect(await d.invoke('app:capabilities', {})).toMatchObject({ ok: true, data: { clipboard: true, transport: 'ipc' } });
  });

  it('a clipboard that did not take the text is an error that says why, without the text', async () => {
    const { d, lines } = dispatcher(async () => {
      throw new Error('the system clipboard did not take the text (another program may be holding it); try again');
    });
    const answer = await d.invoke('clipboard:write', { text: SECRET });
    expect(answer).toEqual({ ok: false, error: { code: 'unavailable', message: 'Could not copy: the system clipboard did not take the text (another program may be holding it); try again' } });
    expect(JSON.stringify(answer) + lines.join('\n')).not.toContain(SECRET);
  });

  it('is unsupported where main has no clipboard (the browser copies by itself)', async () => {
    const { d } = dispatcher();
    expect(await d.invoke('clipboard:write', { text: 'x' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await d.invoke('app:capabilities', {})).toMatchObject({ ok: true, data: { clipboard: false, transport: 'web' } });
  });

  it('refuses a missing, non-string or oversized text by field', async () => {
    const { d } = dispatcher(async () => {});
    for (const payload of [{}, { text: 42 }, { text: 'x'.repeat(1_000_001) }, { text: 'x', extra: 1 }]) {
      const r = await d.invoke('clipboard:write', payload);
      expect(r, JSON.stringify(payload).slice(0, 40)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });
});
