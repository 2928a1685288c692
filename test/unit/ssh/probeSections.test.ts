import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
