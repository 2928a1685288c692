import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_INFO_FORMAT, EXISTING_NOT_RECORDED, hideSections, parseProbe, probeScript, runtimeScript, type RuntimeProbe } from '../../../src-main/services/install/preflight';

// The runtime sections of the probe, run by a real sh against a tiny fake `docker`.
const dir = mkdtempSync(join(tmpdir(), 'edt-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeDocker(infoRc: number, inspect: 'json' | 'none'): string {
  const f = join(dir, `docker-${infoRc}-${inspect}`);
  writeFileSync(
    f,
    `#!/bin/sh
case "$1" in
  info) if [ ${infoRc} -eq 0 ]; then printf '27.1.0|inactive|false|linux|x86_64\\n'; else echo 'Cannot connect to the Docker daemon' >&2; exit ${infoRc}; fi ;;
  inspect) ${inspect === 'json' ? `echo '[{"Config":{"Image":"portainer/agent:2.23.0","Env":["EDGE_KEY=s3cret"]},"State":{"Running":true}}]'` : `echo '[]'; echo 'Error: No such object: portainer_edge_agent' >&2; exit 1`} ;;
esac
`,
    { mode: 0o755 },
  );
  return f;
}

const rp: RuntimeProbe = { bin: 'docker', infoFormat: DOCKER_INFO_FORMAT, existing: 'inspect --type container portainer_edge_agent' };

describe('runtime sections (docker info + existing agent in one exec)', () => {
  it('info, then the existing agent JSON; its stderr stays out of the JSON; the transcript copy hides the JSON', () => {
    const r = spawnSync('sh', ['-c', runtimeScript(fakeDocker(0, 'json'), rp)], { encoding: 'utf8' });
    const s = parseProbe(r.stdout);
    expect(s.info).toEqual({ out: '27.1.0|inactive|false|linux|x86_64', rc: 0 });
    expect(s.existing?.rc).toBe(0);
    expect(JSON.parse(s.existing!.out)[0].State.Running).toBe(true);
    const shown = hideSections(r.stdout, ['existing'], EXISTING_NOT_RECORDED);
    expect(shown).not.toContain('s3cret');
    expect(parseProbe(shown).existing).toEqual({ out: EXISTING_NOT_RECORDED, rc: 0 });
    expect(parseProbe(shown).info).toEqual(s.info);

    const none = spawnSync('sh', ['-c', runtimeScript(fakeDocker(0, 'none'), rp)], { encoding: 'utf8' });
    expect(parseProbe(none.stdout).existing).toEqual({ out: '[]', rc: 1 });
    expect(none.stderr).toMatch(/No such object/);
  });

  it('no existing-agent question when info fails (as before: only a working daemon is asked)', () => {
    const r = spawnSync('sh', ['-c', runtimeScript(fakeDocker(1, 'json'), rp)], { encoding: 'utf8' });
    const s = parseProbe(r.stdout);
    expect(s.info).toEqual({ out: 'Cannot connect to the Docker daemon', rc: 1 });
    expect(s.existing).toBeUndefined();
  });

  it('the probe asks them only as root or with sudo -n (never a password), and not for Kubernetes', () => {
    const base = { portainerUrl: 'https://p:9443', portainerHost: 'p', tunnelHost: 'p', tunnelPort: 8000 };
    expect(probeScript(base)).not.toContain('info --format');
    const p = probeScript({ ...base, runtime: rp });
    expect(p).toContain(`ep='sudo -n --'`);
    expect(p).toMatch(/if \[ "\$\(id -u\)" = 0 \]; then ep=''/);
    expect(p).not.toMatch(/sudo -S|sudo -k/);
  });
});

describe('the runtime sections in the probe, as a sudo user', () => {
  it('ask the engine under one sudo (not one per docker call), with the same sections', () => {
    // This test runs as root: a fake `id` makes the probe see a sudo user, a fake `sudo` logs
    // each call and runs the command as it is (its flags dropped).
    const bin = join(dir, 'sudo-user-bin');
    mkdirSync(bin);
    const log = join(dir, 'sudo.log');
    writeFileSync(join(bin, 'id'), `#!/bin/sh\ncase "$1" in -u) echo 1000 ;; -un) echo ops ;; -nG) echo ops ;; esac\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'sudo'), `#!/bin/sh\nwhile [ "$1" = -n ] || [ "$1" = -- ]; do shift; done\necho "$1" >>${log}\nexec "$@"\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'docker'), readFileSync(fakeDocker(0, 'json'), 'utf8').replace('esac', '  image) echo sha256:abc ;;\nesac'), { mode: 0o755 });
    const probe = probeScript({ portainerUrl: 'https://127.0.0.1:1', portainerHost: '127.0.0.1', tunnelHost: '127.0.0.1', tunnelPort: 1, runtime: { ...rp, image: 'portainer/agent:2.23.0', noPull: true } });
    const r = spawnSync('sh', ['-c', probe], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const s = parseProbe(r.stdout);
    expect(s.id?.out).toBe('1000\nops\nops');
    expect(s.info).toEqual({ out: '27.1.0|inactive|false|linux|x86_64', rc: 0 });
    expect(JSON.parse(s.existing!.out)[0].State.Running).toBe(true);
    expect(s.image).toEqual({ out: 'present sha256:abc', rc: 0 });
    // `sudo -n true` twice (the privileges check, then whether to ask the engine), then one shell
    // for info, the existing agent and the image: before, each of the three was a sudo of its own.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['true', 'true', 'sh']);
  });
});

describe('network sections (run in the background while the local checks run)', () => {
  // A real HTTP server that answers each request after 600 ms: four sequential checks would take
  // well over a second; overlapped, the probe takes about one delay.
  const DELAY = 600;
  let server: Server;
  let port = 0;
  const base = () => ({ portainerUrl: `http://127.0.0.1:${port}/`, portainerHost: 'localhost', tunnelHost: '127.0.0.1', tunnelPort: port });
  const runProbe = (env: NodeJS.ProcessEnv) =>
    new Promise<{ stdout: string; ms: number }>((resolve, reject) => {
      const t0 = performance.now();
      execFile('sh', ['-c', probeScript(base())], { env: { ...process.env, ...env }, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve({ stdout, ms: performance.now() - t0 })));
    });

  it('overlaps the DNS, HTTPS and tunnel checks, prints them in the probe format and removes its temp folder', async () => {
    server = createServer((req, res) => setTimeout(() => res.end(req.url === '/health' ? 'OK' : '{}'), DELAY));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    try {
      const tmp = join(dir, 'tmp-ok');
      mkdirSync(tmp);
      const { stdout, ms } = await runProbe({ TMPDIR: tmp });
      const s = parseProbe(stdout);
      expect(s.https).toEqual({ out: '200', rc: 0 });
      expect(s.https_k).toEqual({ out: '200', rc: 0 });
      expect(s.tunnel).toEqual({ out: 'OK', rc: 0 });
      expect(s.dns?.rc).toBe(0);
      expect(s.dns?.out).toMatch(/localhost/);
      expect(Number(s.date?.out)).toBeGreaterThan(1_700_000_000);
      expect(ms).toBeLessThan(3 * DELAY); // sequential would be at least 3 × DELAY
      expect(readdirSync(tmp)).toEqual([]);

      // No usable temp folder (mktemp fails): the same sections, one after the other.
      const seq = await runProbe({ TMPDIR: join(dir, 'missing') });
      const q = parseProbe(seq.stdout);
      expect(q.https).toEqual({ out: '200', rc: 0 });
      expect(q.tunnel).toEqual({ out: 'OK', rc: 0 });
      expect(seq.ms).toBeGreaterThanOrEqual(3 * DELAY);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
