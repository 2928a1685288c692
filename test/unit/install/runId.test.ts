import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId, runDir } from '../../../src-main/services/install/fleet';
import { sshResumeRequest, sshRunRequest, sshTranscriptRequest } from '../../../src-main/shared/schemas/install';

describe('run ids: one rule for the contract and the runs folder', () => {
  it('a new id passes both', () => {
    const id = newRunId();
    expect(sshRunRequest.safeParse({ runId: id }).success).toBe(true);
    expect(sshResumeRequest.safeParse({ runId: id }).success).toBe(true);
    expect(sshTranscriptRequest.safeParse({ runId: id, target: 'u@h' }).success).toBe(true);
    expect(runDir('/runs', id)).toBe(join('/runs', id));
  });

  it.each(['', '../x', 'a/b', 'a.b', 'x'.repeat(65)])('%j is refused by the three requests and as a folder', (bad) => {
    expect(sshRunRequest.safeParse({ runId: bad }).success).toBe(false);
    expect(sshResumeRequest.safeParse({ runId: bad }).success).toBe(false);
    expect(sshTranscriptRequest.safeParse({ runId: bad, target: 'u@h' }).success).toBe(false);
    expect(() => runDir('/runs', bad)).toThrow(expect.objectContaining({ field: 'runId' }));
  });
});
