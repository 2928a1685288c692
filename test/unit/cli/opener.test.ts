import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFolder, openUrl } from '../../../src-main/services/platform/opener';

// A recording xdg-open on PATH: the real spawn, argv exactly as the opener receives it.
const dir = mkdtempSync(join(tmpdir(), 'edt-opener-'));
const log = join(dir, 'argv.json');
writeFileSync(join(dir, 'xdg-open'), `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)));\n`);
chmodSync(join(dir, 'xdg-open'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function recorded(): Promise<string[]> {
  for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 50));
  const argv = JSON.parse(readFileSync(log, 'utf8')) as string[];
  rmSync(log);
  return argv;
}

describe('opening a URL or folder (no shell in between)', () => {
  it('a URL with & ; $ and quotes-encoded parts reaches the opener as one argv entry, unchanged', async () => {
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      const url = 'http://127.0.0.1:4321/?a=1&b=$(id);c=`x`#t';
      const errors: string[] = [];
      openUrl(url, (e) => errors.push(e), 'linux');
      expect(await recorded()).toEqual([new URL(url).href]);
      openFolder('/tmp/a folder & more', (e) => errors.push(e), 'linux');
      expect(await recorded()).toEqual(['/tmp/a folder & more']);
      expect(errors).toEqual([]);
    } finally {
      process.env.PATH = path;
    }
  });

  it('a missing opener is reported, not thrown', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'nothing-here');
    try {
      const errors: string[] = [];
      openUrl('http://127.0.0.1/', (e) => errors.push(e), 'linux');
      for (let i = 0; i < 40 && !errors.length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(errors[0]).toMatch(/could not start xdg-open/);
    } finally {
      process.env.PATH = path;
    }
  });
});
