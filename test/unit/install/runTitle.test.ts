import { describe, expect, it } from 'vitest';
import { runTitle } from '../../../src-main/services/install/handlers';

// Issue #11 item 15: preflight-only and dry runs were titled "Install the Edge agent on 1 host".
describe('run titles', () => {
  it('say what the run does', () => {
    expect(runTitle('install', '1 host')).toBe('Install the Edge agent on 1 host');
    expect(runTitle('preflight-only', '1 host')).toBe('Preflight checks on 1 host (nothing installed)');
    expect(runTitle('dry-run', '3 hosts')).toBe('Dry run of the Edge agent install on 3 hosts (nothing changed)');
    expect(runTitle('connect', '2 hosts')).toBe('Test the connection to 2 hosts');
    for (const mode of ['preflight-only', 'dry-run', 'connect'] as const) expect(runTitle(mode, '1 host')).not.toMatch(/^Install/);
  });
});
