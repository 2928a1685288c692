#!/usr/bin/env node
// `npm run bench:cli`: the CLI's start-up against bare Node in the same run. Each command is run
// as a real process (the `edgedeck` bin, i.e. the bundle in out/cli/) many times, interleaved
// with `node -e ""` so both see the same machine load; the median wall time of each is compared.
// Goal (#16.2): `edgedeck --help` and `edgedeck key decode …` within 0.25 s of bare Node.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from './report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 25);
const GOAL_S = 0.25;
const KEY = 'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxabTl2WW1GeVltRjZjWFY0Wm05dlltRnlZbUY2Y1hWNFptOXZZbUZ5WW1FPXw3';

const cases = [
  { name: 'node -e ""', args: ['-e', ''] },
  { name: 'edgedeck --help', args: ['bin/edgedeck.mjs', '--help'] },
  { name: 'edgedeck --version', args: ['bin/edgedeck.mjs', '--version'] },
  { name: 'edgedeck key decode - (key on stdin)', args: ['bin/edgedeck.mjs', 'key', 'decode', '-'], input: KEY },
];

function once(c) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: root, input: c.input ?? '', encoding: 'utf8', timeout: 60_000 });
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  return s;
}

// One run of each first: builds the bundle if the sources are newer, warms the file cache.
for (const c of cases) once(c);
const times = new Map(cases.map((c) => [c.name, []]));
for (let i = 0; i < RUNS; i++) for (const c of cases) times.get(c.name).push(once(c));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.get(cases[0].name));
const rows = cases.map((c) => {
  const m = median(times.get(c.name));
  const over = m - base;
  return { name: c.name, median: m, over, ok: c === cases[0] || over <= GOAL_S };
});
for (const r of rows) console.log(`${r.name.padEnd(40)} median ${r.median.toFixed(3)} s  (+${r.over.toFixed(3)} s over node)${r.ok ? '' : '  OVER THE GOAL'}`);

const table = rows.map((r) => `| \`${r.name}\` | ${r.median.toFixed(3)} s | ${r === rows[0] ? '—' : `+${r.over.toFixed(3)} s`} |`).join('\n');
writeSection(
  '## CLI start-up (`npm run bench:cli`)',
  `## CLI start-up (\`npm run bench:cli\`)

Each command runs as a real process through the \`edgedeck\` bin (the esbuild bundle in \`out/cli/\`:
a small entry plus the running command's chunk), ${RUNS} times, interleaved with bare \`node -e ""\`
so both see the same load; medians. Goal: \`--help\` and \`key decode\` within ${GOAL_S} s of bare Node.
Before the bundle, the CLI ran the TypeScript sources through tsx: 2.3–5.6 s for the same commands.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.

| Command | Median wall time | Over bare Node |
| --- | --- | --- |
${table}

Result: ${rows.every((r) => r.ok) ? `every command within ${GOAL_S} s of bare Node` : `OVER the goal: ${rows.filter((r) => !r.ok).map((r) => r.name).join(', ')}`}.
`,
);
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
