import { describe, expect, it } from 'vitest';
import { causeLine } from '../../../src-main/shared/domain/cliError';

describe('causeLine: the line of a failed CLI that says why', () => {
  it("keeps docker run's error, not its usage hint (docker 20.10's output for a missing image, no registry)", () => {
    const out = [
      "Unable to find image 'portainer/agent:2.23.0' locally",
      'docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host.',
      "See 'docker run --help'.",
      '',
    ].join('\n');
    expect(causeLine(out)).toBe('docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host.');
    expect(causeLine("docker: invalid reference format.\nRun 'docker run --help' for more information\n")).toBe('docker: invalid reference format.');
  });

  it('falls back to the last line, and to nothing for no output', () => {
    expect(causeLine('first\nsecond\n')).toBe('second');
    expect(causeLine('')).toBe('');
  });
});
