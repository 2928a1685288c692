// Child process for sim.mjs: either the local server seeded with N Edge environments, or a bare
// node:http baseline answering a fixed JSON body. Prints one JSON line when ready; answers
// {cmd:'stats'} on IPC with CPU, memory and poll counters.
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [mode, nRaw] = process.argv.slice(2);
const counters = { 200: 0, 304: 0, other: 0 };

function stats() {
  return { cpu: process.cpuUsage(), mem: process.memoryUsage(), counters: { ...counters }, at: Date.now() };
}
process.on('message', (m) => {
  if (m?.cmd === 'stats') process.send?.({ stats: stats() });
  if (m?.cmd === 'exit') cleanup().then(() => process.exit(0));
});

let cleanup = async () => {};

if (mode === 'baseline') {
  const body = Buffer.from('{"status":"IDLE","port":0,"schedules":[],"checkin":5,"credentials":"","stacks":[]}');
  const server = createServer((req, res) => {
    counters[200]++;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, ETag: '1234abcd' });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ ready: { url: `http://127.0.0.1:${server.address().port}` } });
  });
  cleanup = () => new Promise((r) => server.close(() => r()));
} else {
  const { startLocalServer } = await import('../../src-main/services/localserver/index.ts');
  const { encodeEdgeKey } = await import('../../src-main/shared/domain/edgeKey.ts');
  const n = Number(nRaw ?? 0);
  const dir = mkdtempSync(join(tmpdir(), 'edgedeck-bench-sim-'));
  const opts = { dataDir: dir, port: 0, tunnelPort: 0, https: false, adminPassword: 'bench-password-123' };
  // First start creates the data file and the tunnel key; then seed N environments and restart.
  const first = await startLocalServer(opts);
  const fingerprint = first.fingerprint;
  await first.close();
  const file = join(dir, 'localserver.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  // The key's URL must point at the port of the second start: reserve it by starting a throwaway listener.
  const probe = createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r));
  const url = `http://127.0.0.1:${port}`;
  doc.environments = [];
  for (let i = 1; i <= n; i++) {
    doc.environments.push({
      Id: i, Name: `bench-${i}`, Type: 4, ContainerEngine: 'docker', URL: '127.0.0.1', GroupId: 1, PublicURL: '', Gpus: [], TagIds: [], Status: 1,
      EdgeID: `bench-${i}`,
      EdgeKey: encodeEdgeKey({ portainerUrl: url, tunnelAddress: '127.0.0.1:8000', tunnelFingerprint: fingerprint, environmentId: i }),
      EdgeCheckinInterval: 5,
      // Not a first connection: no tunnel per environment (20,000 tunnels would exhaust the port range).
      LastCheckInDate: 1, UserTrusted: true, AgentVersion: '2.23.0',
    });
  }
  doc.nextIds.endpoint = n + 1;
  writeFileSync(file, JSON.stringify(doc));
  const server = await startLocalServer({ ...opts, port });
  server.events.on('poll', (e) => {
    if (e.status === 200) counters[200]++;
    else if (e.status === 304) counters[304]++;
    else counters.other++;
  });
  process.send?.({ ready: { url: server.url, n } });
  cleanup = async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
