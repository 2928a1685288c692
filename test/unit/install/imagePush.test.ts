import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { create } from 'tar';
import { configId, openRunImage, readImageArchive } from '../../../src-main/services/install/imageArchive';
import { parsePushOutput, pushFailure, pushScript, sameImageId } from '../../../src-main/services/install/imagePush';
import { checkImage, imageIdOf } from '../../../src-main/services/install/preflight';
import { isImageMissing } from '../../../src-main/shared/domain/cliError';
import { FAILURE_FIXES } from '../../../src-main/shared/domain/failures';

const dir = mkdtempSync(join(tmpdir(), 'edt-imagepush-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HEX = 'a'.repeat(64);

/** A docker-archive-shaped tar: a config blob and manifest.json naming it and its tags. */
async function archiveWith(name: string, tags: string[] | null, config = `${HEX}.json`): Promise<string> {
  const src = join(dir, `${name}-src`);
  execFileSync('mkdir', ['-p', src]);
  writeFileSync(join(src, config.replace(/\//g, '_')), '{}');
  writeFileSync(join(src, 'manifest.json'), JSON.stringify([{ Config: config, RepoTags: tags, Layers: [] }]));
  const file = join(dir, `${name}.tar`);
  await create({ file, cwd: src }, ['manifest.json', config.replace(/\//g, '_')]);
  return file;
}

describe('image archives (docker save format)', () => {
  it('reads the ID from the manifest config (docker-archive and OCI layout), the sha256 and the size', async () => {
    expect(configId(`${HEX}.json`)).toBe(`sha256:${HEX}`);
    expect(configId(`blobs/sha256/${HEX}`)).toBe(`sha256:${HEX}`);
    expect(configId('nonsense')).toBeUndefined();
    const f = await archiveWith('good', ['portainer/agent:2.23.0']);
    const a = await readImageArchive(f, 'portainer/agent:2.23.0');
    expect(a.id).toBe(`sha256:${HEX}`);
    expect(a.sha256).toBe(execFileSync('sha256sum', [f], { encoding: 'utf8' }).split(' ')[0]);
    expect(a.tags).toEqual(['portainer/agent:2.23.0']);
    // docker.io/ names the same image.
    expect((await readImageArchive(f, 'docker.io/portainer/agent:2.23.0')).id).toBe(`sha256:${HEX}`);
  });

  it('refuses an archive of another image, one without a tag, a file that is no archive, and a missing file, naming the fix', async () => {
    await expect(readImageArchive(await archiveWith('other', ['nginx:1']), 'portainer/agent:2.23.0')).rejects.toThrow(/holds nginx:1, not portainer\/agent:2\.23\.0\. Make one with: docker save -o agent\.tar portainer\/agent:2\.23\.0/);
    await expect(readImageArchive(await archiveWith('untagged', null), 'portainer/agent:2.23.0')).rejects.toThrow(/holds an image without a tag/);
    writeFileSync(join(dir, 'text.tar'), 'just text, not a tar archive at all\n'.repeat(40));
    await expect(readImageArchive(join(dir, 'text.tar'), 'portainer/agent:2.23.0')).rejects.toThrow(/not an image archive|Not an image archive/);
    await expect(readImageArchive(join(dir, 'none.tar'), 'portainer/agent:2.23.0')).rejects.toThrow(/Cannot read the image archive .*none\.tar: no such file/);
  });

  it('an engine source whose CLI is not installed fails the run with what to do instead', async () => {
    await expect(openRunImage({ from: 'engine', cli: join(dir, 'no-docker') }, 'standalone', '2.23.0')).rejects.toThrow(/is not installed on this computer .*give the archive file instead/);
    await expect(openRunImage({ from: 'engine' }, 'kubernetes', '2.23.0')).rejects.toThrow(/ctr -n k8s\.io images import/);
  });
});

describe('the target side of a push', () => {
  const script = pushScript({ dir: '/var/tmp/edgedeck-image.0123', runtime: '/usr/bin/docker', image: 'portainer/agent:2.23.0', sha256: HEX, size: 10 * 1024 * 1024 });

  it('receives into a fresh 0700 folder, checks space and sha256 before loading, and always removes the folder', () => {
    expect(script).toMatch(/^umask 077; mkdir -m 0700 \/var\/tmp\/edgedeck-image\.0123 /);
    expect(script).toContain("trap 'rm -rf /var/tmp/edgedeck-image.0123' EXIT");
    expect(script).toContain(`-lt ${10 * 1024 + 1024} ]`);
    const order = ['cat > ', 'sha256sum ', `= ${HEX} ]`, '/usr/bin/docker load -i ', "image inspect --format '{{.Id}}' portainer/agent:2.23.0"].map((p) => script.indexOf(p));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('runs in a real shell: a wrong checksum stops before the load, and the folder is gone (sh, sha256sum)', () => {
    const d = join(dir, `push-${process.pid}`);
    const fakeRt = join(dir, 'rt.sh');
    writeFileSync(fakeRt, '#!/bin/sh\necho "runtime $*"\n', { mode: 0o755 });
    const data = Buffer.from('archive bytes');
    const run = (sha: string) => {
      try {
        return { code: 0, out: execFileSync('sh', ['-c', pushScript({ dir: d, runtime: fakeRt, image: 'img:1', sha256: sha, size: data.length })], { input: data, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }), err: '' };
      } catch (e) {
        const x = e as { status: number; stdout: string; stderr: string };
        return { code: x.status, out: x.stdout, err: x.stderr };
      }
    };
    const good = execFileSync('sha256sum', { input: data, encoding: 'utf8' }).split(' ')[0]!;
    const bad = run(HEX);
    expect(bad.code).toBe(92);
    expect(pushFailure({ code: bad.code, stdout: bad.out, stderr: bad.err }, { size: data.length, image: 'img:1' }, 'docker')).toBe(`the archive arrived damaged: its sha256 on the target (${good}) is not the one sent. Nothing was loaded; run the install again.`);
    expect(bad.out).not.toContain('runtime load');
    expect(() => execFileSync('test', ['-e', d])).toThrow();
    const ok = run(good);
    expect(ok.code).toBe(0);
    expect(parsePushOutput(ok.out)).toEqual({ received: good, loaded: true, id: "runtime image inspect --format {{.Id}} img:1" });
    expect(() => execFileSync('test', ['-e', d])).toThrow();
  });

  it('names the failure: no space, a failed load with the engine\'s error line', () => {
    expect(pushFailure({ code: 93, stdout: '', stderr: '@@edgedeck push no-space 2048\n' }, { size: 50e6, image: 'i' }, 'docker')).toMatch(/^not enough space in \/var\/tmp on the target for the image archive \(2\.1 MB free, 50\.0 MB needed\)/);
    expect(pushFailure({ code: 1, stdout: '', stderr: 'open /var/lib/docker/tmp/x: no space left on device\n' }, { size: 1, image: 'i' }, 'podman')).toBe('podman load failed (exit 1): open /var/lib/docker/tmp/x: no space left on device');
  });

  it('compares docker and podman image IDs alike', () => {
    expect(sameImageId(`sha256:${HEX}`, HEX)).toBe(true);
    expect(sameImageId(`sha256:${HEX}`, `sha256:${'b'.repeat(64)}`)).toBe(false);
    expect(sameImageId(undefined, undefined)).toBe(false);
  });
});

describe('preflight: the agent image with and without --push-image', () => {
  it('reads the ID of a present image; missing with push passes (it will be sent); missing without push fails naming --push-image', () => {
    expect(imageIdOf({ out: `present sha256:${HEX}`, rc: 0 })).toBe(`sha256:${HEX}`);
    expect(checkImage('portainer/agent:2.23.0', { out: `present sha256:${HEX}`, rc: 0 }, 'docker')).toMatchObject({ status: 'pass', found: `portainer/agent:2.23.0 is on the host (sha256:${HEX})` });
    expect(checkImage('portainer/agent:2.23.0', { out: 'missing', rc: 1 }, 'docker', true)).toMatchObject({ status: 'pass', found: expect.stringMatching(/will be pushed from this computer over SSH \(--push-image\)/) });
    const fail = checkImage('portainer/agent:2.23.0', { out: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host', rc: 1 }, 'docker');
    expect(fail.status).toBe('fail');
    expect(fail.fix).toMatch(/^Bring the image over SSH: run the install with --push-image/);
  });

  it('an engine error that means "no image" is told from other failures (reason code image-missing, whose fix names the push option)', () => {
    expect(isImageMissing('No such image: portainer/agent:2.23.0')).toBe(true);
    expect(isImageMissing('Error: docker.io/portainer/agent:2.23.0: image not known')).toBe(true);
    expect(isImageMissing('network sandbox join failed: subnet sandbox join failed')).toBe(false);
    expect(FAILURE_FIXES['image-missing']).toMatch(/--push-image/);
  });
});
