import { describe, expect, it } from 'vitest';
import { edgeToolHandlers } from '../../../src-main/services/handlers/edgeTools';
import { encodeBase64 } from '../../../src-main/shared/domain/base64';

// Issue #11 item 8: the inspector took a "=="-padded key without comment while the command
// builder refused it. One rule, one message: the inspector says what the builder refuses with.
describe('a padded join token', () => {
  const padded = encodeBase64('https://p.example.com:9443|p.example.com:8000|xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=|7', { padded: true }, 'edgeKey');

  it('is flagged by the inspector with the message the command builder refuses it with', async () => {
    expect(padded).toMatch(/=$/);
    let refusal = '';
    try {
      await edgeToolHandlers['commands:build']({ platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: padded, edgeId: 'dev-1', insecurePoll: true } as never);
    } catch (e) {
      refusal = (e as Error).message;
    }
    expect(refusal).toMatch(/padding/);
    const decoded = await edgeToolHandlers['key:decode']({ key: padded } as never);
    expect(decoded.fields.environmentId).toBe(7);
    expect(decoded.warnings).toContainEqual({ field: 'key', level: 'warn', message: refusal });
  });

  it('an unpadded key carries no such warning', async () => {
    const decoded = await edgeToolHandlers['key:decode']({ key: padded.replace(/=+$/, '') } as never);
    expect(decoded.warnings.filter((w) => w.field === 'key')).toEqual([]);
  });
});
