import { describe, expect, it } from 'vitest';
import { buildInstallCommand } from '../../../src-main/shared/domain/installCommands';
import { NEWEST_LINE, RELEASE_LINES, releaseLineFor } from '../../../src-main/shared/domain/releaseLines';
import { loadGoldenCases } from './upstreamGolden';

const cases = loadGoldenCases();
// The lines whose commands upstream's current snapshot describes (docs/portainer-versions.md).
const SNAPSHOT_LINES = RELEASE_LINES.filter((l) => l.templates.podman === 'env');

describe('upstream golden texts (EdgeScriptForm snapshot)', () => {
  it('has every upstream case: 6 builders x 11 cases', () => {
    expect(cases).toHaveLength(66);
    expect(SNAPSHOT_LINES.map((l) => l.id)).toEqual(['2.33', '2.39', '2.45']);
  });

  for (const line of SNAPSHOT_LINES) {
    describe(`line ${line.label}`, () => {
      for (const c of cases) {
        it(`${c.builder} > ${c.name}`, () => {
          const text = buildInstallCommand({ ...c.options, serverVersion: line.from });
          if (c.builder === 'buildLinuxKubernetesCommand' && c.name === 'should generate command without agent secret') {
            // Upstream's test passes an undefined secret straight into the template ("undefined");
            // the UI always passes the settings' string, so no secret is the empty argument.
            expect(c.expected).toContain('"undefined"');
            expect(text).toBe(c.expected.replace('"undefined"', '""'));
            return;
          }
          expect(text).toBe(c.expected);
        });
      }
    });
  }

  it('older lines keep the 2.23 forms: backslash on Windows, the podman.socket Podman text', () => {
    const minimal = cases.find((c) => c.builder === 'buildWindowsStandaloneCommand' && c.name.includes('minimal'))!;
    const podman = cases.find((c) => c.builder === 'buildLinuxPodmanCommand' && c.name.includes('minimal'))!;
    const win = buildInstallCommand({ ...minimal.options, serverVersion: '2.27.3' });
    expect(win).not.toBe(minimal.expected);
    expect(win).toBe(minimal.expected.replaceAll(' `\n', ' \\\n'));
    const pod = buildInstallCommand({ ...podman.options, agentVersion: '2.27.3', serverVersion: '2.27.3' });
    expect(pod.startsWith('sudo systemctl enable --now podman.socket\nsudo podman volume create portainer\nsudo podman run -d \\\n')).toBe(true);
    expect(pod).not.toContain('PODMAN=1');
    expect(pod).toContain('\n  portainer/agent:2.27.3\n  ');
  });
});

describe('releaseLineFor', () => {
  it('picks the line of every known minor', () => {
    expect(releaseLineFor('2.19.4').line.id).toBe('2.19');
    expect(releaseLineFor('2.20.0').line.id).toBe('2.20');
    expect(releaseLineFor('2.21.0').line.id).toBe('2.23');
    expect(releaseLineFor('2.23.9').line.id).toBe('2.23');
    expect(releaseLineFor('2.24.0').line.id).toBe('2.26');
    expect(releaseLineFor('2.27.1').line.id).toBe('2.27');
    expect(releaseLineFor('2.28.0').line.id).toBe('2.33');
    expect(releaseLineFor('2.39.2').line.id).toBe('2.39');
    expect(releaseLineFor('2.45.0')).toEqual({ line: NEWEST_LINE });
  });

  it('a newer server than the newest line gets the newest line and a plain warning', () => {
    const pick = releaseLineFor('2.46.0');
    expect(pick.line).toBe(NEWEST_LINE);
    expect(pick.warning).toMatch(/Portainer 2\.46\.0 is newer than the newest release line Edgedeck knows \(2\.40–2\.45 LTS\)/);
    expect(releaseLineFor('3.0.0').warning).toBeDefined();
  });

  it('only ACTIVE-era lines (≤ 2.20) keep the ACTIVE tunnel state', () => {
    expect(RELEASE_LINES.filter((l) => l.activeTunnelState).map((l) => l.id)).toEqual(['2.19', '2.20']);
  });
});
