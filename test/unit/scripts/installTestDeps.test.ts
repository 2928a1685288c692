import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/install-test-deps.sh (#16.7) on a machine where some tools are missing. The tools it
// looks for come from a stub folder (EDGEDECK_DEPS_PATH); id, sudo and apt-get are stubs that say
// "root" or "user", let sudo -n through or not, and record what apt-get was asked.
const script = fileURLToPath(new URL('../../../scripts/install-test-deps.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'edt-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stub(folder: string, name: string, body: string) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(folder, name), 0o755);
}

function run(o: { uid: number; sudo: boolean; present: string[]; args?: string[] }) {
  const root = mkdtempSync(join(dir, 'case-'));
  const tools = join(root, 'tools');
  const bin = join(root, 'bin');
  const aptLog = join(root, 'apt.log');
  for (const t of o.present) stub(tools, t, 'exit 0');
  stub(bin, 'id', `echo ${o.uid}`);
  stub(bin, 'sudo', o.sudo ? 'shift; exec "$@"' : 'exit 1');
  stub(bin, 'apt-get', `echo "$@" >> ${JSON.stringify(aptLog)}`);
  stub(bin, 'mkdir', 'exit 0');
  const r = spawnSync('bash', [script, ...(o.args ?? [])], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, EDGEDECK_DEPS_PATH: tools } });
  return { ...r, apt: existsSync(aptLog) ? readFileSync(aptLog, 'utf8') : '' };
}

const ALL = ['chromium', 'sshd', 'sudo', 'age', 'yamllint', 'cloud-init', 'docker-compose', 'ansible-playbook', 'dockerd', 'podman', 'ip', 'parallel-ssh'];

describe('scripts/install-test-deps.sh', () => {
  it('does nothing when every tool is there', () => {
    const r = run({ uid: 1000, sudo: false, present: ALL });
    expect(r.status).toBe(0);
    expect(r.apt).toBe('');
    expect(r.stderr).toBe('');
  });

  it('as root: installs exactly the missing packages with apt-get', () => {
    const r = run({ uid: 0, sudo: false, present: ALL.filter((t) => !['chromium', 'ansible-playbook', 'dockerd'].includes(t)) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.apt.split('\n')).toEqual(['update -qq', 'install -y -qq chromium ansible docker.io', '']);
  });

  it('as a user with passwordless sudo: the same through sudo -n', () => {
    const r = run({ uid: 1000, sudo: true, present: ALL.filter((t) => t !== 'age') });
    expect(r.status, r.stderr).toBe(0);
    expect(r.apt).toContain('install -y -qq age');
  });

  it('as a user without sudo: one line saying exactly what to run, exit 1, nothing installed', () => {
    const r = run({ uid: 1000, sudo: false, present: ALL.filter((t) => !['sshd', 'parallel-ssh'].includes(t)) });
    expect(r.status).toBe(1);
    expect(r.apt).toBe('');
    expect(r.stderr).toBe("edgedeck tests: missing system packages; run: sudo sh -c 'apt-get update && apt-get install -y openssh-server pssh'\n");
  });

  it('--list names the missing packages', () => {
    expect(run({ uid: 1000, sudo: false, present: ALL.filter((t) => t !== 'podman'), args: ['--list'] }).stdout).toBe('podman\n');
  });
});
