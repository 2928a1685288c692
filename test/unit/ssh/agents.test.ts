import { describe, expect, it } from 'vitest';
import { resolveAgents } from '../../../src-main/services/ssh/agents';

// Windows and macOS are verified here only (no such machine runs the suite): the probes (does the
// pipe or socket exist, what launchd holds) are replaced; the rule and order are the real ones.
const PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

describe('which SSH agents are tried', () => {
  it('win32 without SSH_AUTH_SOCK: the OpenSSH agent pipe, then Pageant', () => {
    const ctx = { platform: 'win32', env: {} };
    expect(resolveAgents({ ctx, exists: (p) => p === PIPE })).toEqual([
      { agent: PIPE, label: `ssh-agent (Windows OpenSSH agent ${PIPE})` },
      { agent: 'pageant', label: 'Pageant' },
    ]);
    // The agent service stopped: no pipe, Pageant is still tried.
    expect(resolveAgents({ ctx, exists: () => false })).toEqual([{ agent: 'pageant', label: 'Pageant' }]);
  });

  it('win32 with SSH_AUTH_SOCK (e.g. Git Bash): that socket only', () => {
    expect(resolveAgents({ ctx: { platform: 'win32', env: { SSH_AUTH_SOCK: 'C:\\a.sock' } }, exists: () => true })).toEqual([{ agent: 'C:\\a.sock', label: 'ssh-agent (SSH_AUTH_SOCK C:\\a.sock)' }]);
  });

  it('darwin GUI app without SSH_AUTH_SOCK: the socket launchd holds', () => {
    const sock = '/private/tmp/com.apple.launchd.abc/Listeners';
    expect(resolveAgents({ ctx: { platform: 'darwin', env: {} }, exists: (p) => p === sock, launchdSocket: () => sock })).toEqual([{ agent: sock, label: `ssh-agent (launchd ${sock})` }]);
    expect(resolveAgents({ ctx: { platform: 'darwin', env: {} }, exists: () => false, launchdSocket: () => sock })).toEqual([]);
    expect(resolveAgents({ ctx: { platform: 'darwin', env: {} }, exists: () => true, launchdSocket: () => undefined })).toEqual([]);
  });

  it('linux: SSH_AUTH_SOCK when its socket exists; none otherwise; an explicit socket or null wins', () => {
    expect(resolveAgents({ ctx: { platform: 'linux', env: { SSH_AUTH_SOCK: '/run/a' } }, exists: () => true })).toEqual([{ agent: '/run/a', label: 'ssh-agent (SSH_AUTH_SOCK /run/a)' }]);
    expect(resolveAgents({ ctx: { platform: 'linux', env: { SSH_AUTH_SOCK: '/run/a' } }, exists: () => false })).toEqual([]);
    expect(resolveAgents({ ctx: { platform: 'linux', env: {} } })).toEqual([]);
    expect(resolveAgents({ explicit: null, ctx: { platform: 'win32', env: {} }, exists: () => true })).toEqual([]);
    expect(resolveAgents({ explicit: '/x', exists: () => true })).toEqual([{ agent: '/x', label: 'ssh-agent (/x)' }]);
  });
});
