// npm run bench:sim — the local server's Edge poll endpoint against a bare node:http baseline,
// then N simulated agents polling every 5 s. Server and baseline run in a child process so that
// CPU and RSS are theirs alone; the load generator / agents run here. Loopback only.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { register } from 'tsx/esm/api';
import { writeSection } from './report.mjs';

register();

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SAT_SECONDS = Number(process.env.BENCH_SAT_SECONDS ?? 5);
const AGENT_SECONDS = Number(process.env.BENCH_AGENT_SECONDS ?? 15);
const COUNTS = (process.env.BENCH_AGENTS ?? '1000,5000,20000').split(',').map(Number);
const CONCURRENCY = 64;

function startChild(mode, n = 0) {
  const child = fork(join(here, 'simServer.mjs'), [mode, String(n)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: root });
  const ready = new Promise((resolve, reject) => {
    child.on('message', (m) => m?.ready && resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
  });
  const stats = () => new Promise((resolve) => {
    const on = (m) => { if (m?.stats) { child.off('message', on); resolve(m.stats); } };
    child.on('message', on);
    child.send({ cmd: 'stats' });
  });
  const stop = () => new Promise((resolve) => { child.once('exit', resolve); child.send({ cmd: 'exit' }); });
  return { child, ready, stats, stop };
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const cpuPct = (a, b) => ((b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000 / (b.at - a.at)) * 100;

/** Closed-loop load: CONCURRENCY requests in flight for `seconds`. */
async function saturate(url, path, headers, seconds) {
  const pool = new Pool(url, { connections: 32, keepAliveTimeout: 60_000 });
  const lat = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      try {
        const r = await pool.request({ path, method: 'GET', headers });
        await r.body.dump();
        if (r.statusCode !== 200 && r.statusCode !== 304) errors++;
      } catch {
        errors++;
      }
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (Date.now() - t0) / 1000;
  await pool.close();
  lat.sort((a, b) => a - b);
  return { rps: lat.length / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), errors };
}

async function saturation() {
  const out = {};
  const base = startChild('baseline');
  const b = await base.ready;
  let s0 = await base.stats();
  out.baseline = await saturate(b.url, '/api/endpoints/1/edge/status', {}, SAT_SECONDS);
  out.baseline.cpu = cpuPct(s0, await base.stats());
  await base.stop();

  const srv = startChild('server', 10);
  const s = await srv.ready;
  const hdr = { 'portainer-agent': '2.23.0', 'x-portaineragent-edgeid': 'bench-1', 'portainer-agent-platform': '1', 'x-portaineragent-timezone': 'UTC', 'x-portaineragent-update-id': '0' };
  const first = await fetch(`${s.url}/api/endpoints/1/edge/status`, { headers: hdr });
  const etag = first.headers.get('etag');
  s0 = await srv.stats();
  out.poll304 = await saturate(s.url, '/api/endpoints/1/edge/status', { ...hdr, 'if-none-match': etag }, SAT_SECONDS);
  out.poll304.cpu = cpuPct(s0, await srv.stats());
  s0 = await srv.stats();
  out.poll200 = await saturate(s.url, '/api/endpoints/1/edge/status', { ...hdr, 'if-none-match': '' }, SAT_SECONDS);
  out.poll200.cpu = cpuPct(s0, await srv.stats());
  await srv.stop();
  return out;
}

async function agents(n) {
  const { AgentPool } = await import('../../src-main/services/agents/index.ts');
  const srv = startChild('server', n);
  const s = await srv.ready;
  const idle = await srv.stats();
  const lat = [];
  const pool = new AgentPool({ onPoll: (p) => lat.push(p.latencyMs), samplesPerSecond: 2000 });
  // Each environment's key names its own id: one group of one agent per environment.
  const { encodeEdgeKey, decodeEdgeKey } = await import('../../src-main/shared/domain/edgeKey.ts');
  const doc = await (await fetch(`${s.url}/api/endpoints/1`, { headers: { authorization: `Bearer ${await login(s.url)}` } })).json();
  const f = decodeEdgeKey(doc.EdgeKey);
  for (let i = 1; i <= n; i++) {
    pool.startGroup({ edgeKey: encodeEdgeKey({ ...f, environmentId: i }), edgeId: `bench-${i}`, tunnel: false, firstPollSpreadMs: 5000 });
  }
  const warm = Math.min(7, AGENT_SECONDS / 2);
  await new Promise((r) => setTimeout(r, warm * 1000));
  lat.length = 0;
  const a = await srv.stats();
  await new Promise((r) => setTimeout(r, (AGENT_SECONDS - warm) * 1000));
  const b = await srv.stats();
  await pool.stop();
  await srv.stop();
  lat.sort((x, y) => x - y);
  const polls = b.counters[200] + b.counters[304] - a.counters[200] - a.counters[304];
  return {
    n,
    pollsPerSec: polls / ((b.at - a.at) / 1000),
    expected: n / 5,
    notModifiedShare: (b.counters[304] - a.counters[304]) / Math.max(1, polls),
    errors: b.counters.other - a.counters.other,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    cpu: cpuPct(a, b),
    rssMiB: b.mem.rss / 2 ** 20,
    rssPerAgentKiB: ((b.mem.rss - idle.mem.rss) / 1024) / n,
  };
}

async function login(url) {
  const r = await fetch(`${url}/api/auth`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'bench-password-123' }) });
  return (await r.json()).jwt;
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const sat = await saturation();
const rows = [];
for (const n of COUNTS) rows.push(await agents(n));

const lines = [];
lines.push(`## Local server: Edge poll (\`npm run bench:sim\`)`, '');
lines.push(`Measured ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}; loopback HTTP (no TLS), server in its own process, ${CONCURRENCY} requests in flight over 32 keep-alive connections, ${SAT_SECONDS} s per run.`, '');
lines.push('| Server | req/s | p50 ms | p99 ms | server CPU % | vs baseline |', '|---|---:|---:|---:|---:|---:|');
for (const [name, r] of Object.entries(sat)) {
  lines.push(`| ${name === 'baseline' ? 'bare node:http, fixed JSON' : name === 'poll304' ? 'poll, matching ETag → 304' : 'poll, full 200 (JSON + FNV ETag)'} | ${r.rps.toFixed(0)} | ${f1(r.p50)} | ${f1(r.p99)} | ${f1(r.cpu)} | ${(r.rps / sat.baseline.rps).toFixed(2)}× |`);
}
lines.push('', `Simulated agents (each its own environment, EdgeCheckinInterval 5 s, tunnels off; ${AGENT_SECONDS} s run, measured after the first-poll spread):`, '');
lines.push('| Agents | polls/s (expected) | 304 share | p50 ms | p99 ms | server CPU % | server RSS MiB | RSS/agent KiB |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) lines.push(`| ${r.n} | ${r.pollsPerSec.toFixed(0)} (${r.expected}) | ${(r.notModifiedShare * 100).toFixed(0)}% | ${f1(r.p50)} | ${f1(r.p99)} | ${f1(r.cpu)} | ${f1(r.rssMiB)} | ${r.rssPerAgentKiB.toFixed(2)} |`);
const text = lines.join('\n') + '\n';
process.stdout.write(text);

writeSection('## Local server: Edge poll', text);
