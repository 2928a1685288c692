import { describe, expect, it } from 'vitest';

import { HostTranscript } from '../../../src-main/services/install/transcript';
import { Redactor } from '../../../src-main/services/logging/redact';

describe('HostTranscript live log', () => {
  it('ends with the outcome, so a last attempt that fails says why in the log (redacted)', async () => {
    const redactor = new Redactor();
    redactor.add('s3cret-sudo-pw');
    const lines: string[] = [];
    const t = new HostTranscript('root@10.0.0.5:22', 'run-1', 1, redactor, undefined, (l) => lines.push(l));
    t.step('connect');
    t.note('attempt 1 failed: connect ECONNREFUSED; retrying');
    await t.finish('failed: connect ECONNREFUSED 10.0.0.5:22 (password s3cret-sudo-pw)', true);
    expect(lines.at(-1)).toMatch(/^=> failed: connect ECONNREFUSED 10\.0\.0\.5:22 \(password /);
    expect(lines.join('\n')).not.toContain('s3cret-sudo-pw');
    expect(t.doc.steps[0]!.status).toBe('failed');
  });

  it('says a success too', async () => {
    const lines: string[] = [];
    const t = new HostTranscript('u@h', 'run-2', 1, new Redactor(), undefined, (l) => lines.push(l));
    t.step('verify');
    await t.finish('succeeded', false);
    expect(lines).toEqual(['== verify', '=> succeeded']);
  });
});
