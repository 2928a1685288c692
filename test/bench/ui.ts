// npm run bench:ui — the Environments screen with 10,000 environments, in Debian's Chromium
// against a real `edgedeck serve` (embedded local server). Baseline, measured in the same run and
// the same page: the bare `environments:list` call for the first page, which the screen needs anyway.
// Loopback only. Figures go to docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { startServe } from '../e2e/serveProcess';
import { chromiumPath } from '../playwright.config';
import { writeSection } from './report.mjs';

const COUNT = Number(process.env.BENCH_ENVIRONMENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = join(import.meta.dirname, '..', '..');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The JS the renderer loads before first paint: the entry script and its modulepreloads, gzipped. */
function initialJsGzip(): { files: number; bytes: number } {
  const dir = join(root, 'out', 'renderer');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = refs.reduce((sum, ref) => sum + gzipSync(readFileSync(join(dir, ref)), { level: 9 }).length, 0);
  return { files: refs.length, bytes };
}

async function seed(origin: string, token: string): Promise<number> {
  const call = async (name: string, body: unknown) => {
    const r = await fetch(`${origin}/rpc/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const env = (await r.json()) as { ok: boolean; data?: unknown; error?: { message: string } };
    if (!env.ok) throw new Error(`${name}: ${env.error?.message}`);
    return env.data as Record<string, unknown>;
  };
  // Straight to the local server's REST API (as Portainer's own UI would), 16 at a time.
  const status = await call('sim:status', {});
  const base = String(status.url);
  const dispatcher = new (await import('undici')).Agent({ connect: { rejectUnauthorized: false }, connections: 16 });
  const { request } = await import('undici');
  const auth = await request(`${base}/api/auth`, { method: 'POST', dispatcher, body: JSON.stringify({ username: 'admin', password: status.password }) });
  const { jwt } = (await auth.body.json()) as { jwt: string };
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < COUNT) {
      const i = next++;
      const body = new URLSearchParams({ Name: `bench-env-${String(i).padStart(5, '0')}`, EndpointCreationType: '4', URL: base });
      const r = await request(`${base}/api/endpoints`, { method: 'POST', dispatcher, headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
      await r.body.dump();
      if (r.statusCode !== 200) throw new Error(`seeding failed at ${i}: HTTP ${r.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await dispatcher.close();
  return (Date.now() - started) / 1000;
}

const { app, stop } = await startServe();
try {
  process.stdout.write(`seeding ${COUNT} environments…\n`);
  const seedSeconds = await seed(app.origin, app.token);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(app.url);
  await page.getByTestId('nav-inspector').click();

  const baseline: number[] = [];
  const firstRows: number[] = [];
  const coldRows: number[] = [];
  const search: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    baseline.push(
      await page.evaluate(async () => {
        const t0 = performance.now();
        const r = await fetch('/rpc/environments:list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ start: 1, limit: 50 }) });
        await r.json();
        return performance.now() - t0;
      }),
    );
    // Warm: from clicking "Environments" to its first rows.
    await page.getByTestId('nav-inspector').click();
    await page.getByTestId('env-row').first().waitFor({ state: 'detached' }).catch(() => undefined);
    let t0 = Date.now();
    await page.getByTestId('nav-environments').click();
    await page.getByTestId('env-row').first().waitFor();
    firstRows.push(Date.now() - t0);

    // Search: from the input event to rows showing only the match.
    const term = `bench-env-${String((run * 1777) % COUNT).padStart(5, '0')}`;
    t0 = Date.now();
    await page.getByTestId('env-search').fill(term);
    await page.waitForFunction((t) => {
      const rows = document.querySelectorAll('[data-testid="env-row"]');
      return rows.length === 1 && rows[0]!.textContent!.includes(t);
    }, term);
    search.push(Date.now() - t0);
    await page.getByTestId('env-search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="env-row"]').length > 1);

    // Cold: a fresh page load straight onto the list.
    const fresh = await context.newPage();
    t0 = Date.now();
    await fresh.goto(`${app.origin}/#/environments`);
    await fresh.getByTestId('env-row').first().waitFor();
    coldRows.push(Date.now() - t0);
    await fresh.close();
  }
  const total = await page.getByTestId('env-total').textContent();
  await browser.close();

  const js = initialJsGzip();
  const b = median(baseline);
  const rows = [
    ['bare `environments:list`, first 50 (baseline)', b, 1],
    ['Environments: click → first rows', median(firstRows), median(firstRows) / b],
    ['Environments: page load → first rows (cold)', median(coldRows), median(coldRows) / b],
    ['search: input → matching row only', median(search), median(search) / b],
  ] as const;
  const lines = [
    '## Environments screen (`npm run bench:ui`)',
    '',
    `Measured ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}, Debian Chromium headless; ${COUNT.toLocaleString('en')} environments on the embedded local server (seeded in ${seedSeconds.toFixed(1)} s; the list says "${total?.trim()}"); medians of ${RUNS} runs.`,
    '',
    '| What | ms (median) | vs baseline |',
    '|---|---:|---:|',
    ...rows.map(([name, ms, ratio]) => `| ${name} | ${ms.toFixed(0)} | ${ratio.toFixed(1)}× |`),
    '',
    `Initial JS: ${js.files} files, ${(js.bytes / 1024).toFixed(1)} KiB gzip (goal < 300 KB). Goals: first rows < 1000 ms, search < 150 ms.`,
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(text);
  writeSection('## Environments screen', text);
} finally {
  await stop();
}
