import { describe, expect, it } from 'vitest';
import { assertPlatformSupported, compareVersions, disassociateAnswersEnvironment, parseVersion, scriptPathSegment, supportedPlatforms } from '../../../src-main/shared/domain/versions';
import { errorOf } from './appError';

describe('parseVersion / compareVersions', () => {
  it('parses X.Y.Z and X.Y', () => {
    expect(parseVersion('2.23.0')).toEqual({ major: 2, minor: 23, patch: 0 });
    expect(parseVersion('2.19')).toEqual({ major: 2, minor: 19, patch: 0 });
    expect(parseVersion('10.0.15')).toEqual({ major: 10, minor: 0, patch: 15 });
  });

  it('rejects other text as invalid agentVersion with a hint', () => {
    for (const bad of ['', '2', '2.x', '2.23.0.1', '02.1.0', '2.23.0-rc1', 'latest', '2.23.0 ']) {
      const e = errorOf(() => parseVersion(bad));
      expect(e.code).toBe('invalid_input');
      expect(e.field).toBe('agentVersion');
      expect(e.message).toMatch(/X\.Y\.Z/);
    }
    expect(errorOf(() => parseVersion('v2.23.0')).message).toMatch(/leading "v"/);
  });

  it('compares numerically, not textually', () => {
    expect(compareVersions('2.9.0', '2.10.0')).toBeLessThan(0);
    expect(compareVersions('2.20', '2.20.0')).toBe(0);
    expect(compareVersions('3.0.0', '2.99.99')).toBeGreaterThan(0);
    expect(compareVersions('2.19.4', '2.19.10')).toBeLessThan(0);
  });
});

describe('supportedPlatforms', () => {
  it('follows Portainer tabs by version and OS', () => {
    expect(supportedPlatforms('2.23.0', 'linux')).toEqual(['kubernetes', 'swarm', 'standalone', 'podman']);
    expect(supportedPlatforms('2.22.0', 'linux')).toEqual(['kubernetes', 'swarm', 'standalone', 'podman']);
    expect(supportedPlatforms('2.21.4', 'linux')).toEqual(['kubernetes', 'swarm', 'standalone']);
    expect(supportedPlatforms('2.20.0', 'linux')).toEqual(['kubernetes', 'swarm', 'standalone']);
    expect(supportedPlatforms('2.19.5', 'linux')).toEqual(['kubernetes', 'swarm', 'standalone', 'nomad']);
    expect(supportedPlatforms('2.12.0', 'linux')).toEqual(['swarm', 'standalone']);
    expect(supportedPlatforms('2.23.0', 'windows')).toEqual(['swarm', 'standalone']);
    expect(supportedPlatforms('2.19.0', 'windows')).toEqual(['swarm', 'standalone']);
  });

  it('rejects invalid version text', () => {
    expect(errorOf(() => supportedPlatforms('abc', 'linux')).field).toBe('agentVersion');
  });
});

describe('assertPlatformSupported', () => {
  it('explains Nomad removal', () => {
    const e = errorOf(() => assertPlatformSupported('nomad', 'linux', '2.23.0'));
    expect(e.code).toBe('unsupported');
    expect(e.field).toBe('platform');
    expect(e.message).toBe('Nomad was removed in Portainer 2.20.0; this server is 2.23.0. Use Docker, Podman or Kubernetes.');
  });

  it('explains Podman arrival and OS limits', () => {
    expect(errorOf(() => assertPlatformSupported('podman', 'linux', '2.21.0')).message).toMatch(/Podman arrived in Portainer 2\.22\.0; this server is 2\.21\.0/);
    expect(errorOf(() => assertPlatformSupported('podman', 'windows', '2.23.0')).message).toMatch(/only for Linux/);
    expect(errorOf(() => assertPlatformSupported('kubernetes', 'windows', '2.23.0')).code).toBe('unsupported');
    expect(errorOf(() => assertPlatformSupported('nomad', 'windows', '2.19.0')).message).toMatch(/only for Linux/);
    expect(errorOf(() => assertPlatformSupported('kubernetes', 'linux', '2.12.0')).message).toMatch(/2\.13\.0 and later/);
  });

  it('passes supported combinations', () => {
    expect(() => assertPlatformSupported('podman', 'linux', '2.22.0')).not.toThrow();
    expect(() => assertPlatformSupported('nomad', 'linux', '2.19.9')).not.toThrow();
    expect(() => assertPlatformSupported('nomad', 'linux', '2.19.9', 'be')).not.toThrow();
    expect(errorOf(() => assertPlatformSupported('nomad', 'linux', '2.19.9', 'ce')).message).toMatch(/only by Portainer Business Edition/);
    expect(() => assertPlatformSupported('standalone', 'windows', '2.23.0')).not.toThrow();
    expect(() => assertPlatformSupported('swarm', 'linux', '2.11.0')).not.toThrow();
  });
});

describe('scriptPathSegment', () => {
  it('uses ce on 2.13 and ee since 2.14', () => {
    expect(scriptPathSegment('2.13.1')).toBe('ce2-13');
    expect(scriptPathSegment('2.14.0')).toBe('ee2-14');
    expect(scriptPathSegment('2.23.0')).toBe('ee2-23');
    expect(scriptPathSegment('2.19')).toBe('ee2-19');
    expect(scriptPathSegment('3.0.0')).toBe('ee3-0');
  });

  it('refuses versions whose script path is unknown', () => {
    const e = errorOf(() => scriptPathSegment('2.9.0'));
    expect(e.code).toBe('unsupported');
    expect(e.field).toBe('agentVersion');
  });
});

describe('disassociateAnswersEnvironment (docs/portainer-versions.md fact 26)', () => {
  it('CE answers 204 from 2.14.0 on, 200 with the environment before; BE always with the environment', () => {
    expect(disassociateAnswersEnvironment('2.13.1', 'ce')).toBe(true);
    expect(disassociateAnswersEnvironment('2.9.0', 'ce')).toBe(true);
    expect(disassociateAnswersEnvironment('2.14.0', 'ce')).toBe(false);
    expect(disassociateAnswersEnvironment('2.23.0', 'ce')).toBe(false);
    expect(disassociateAnswersEnvironment('2.45.0', 'ce')).toBe(false);
    expect(disassociateAnswersEnvironment('2.23.0', 'be')).toBe(true);
  });
});
