import { describe, expect, it } from 'vitest';
import { checkTunnel } from '../../../src-main/services/install/preflight';
import { diagnoseAgentLogs } from '../../../src-main/services/install/logSignatures';
import { agoText, durationText } from '../../../src-main/shared/domain/durationText';
import { tunnelHostPort, urlPort } from '../../../src-main/shared/domain/hostPort';

describe('ports of a join token’s addresses', () => {
  it('reads the URL’s port, or its scheme’s', () => {
    expect(urlPort('https://portainer.example.com:30443')).toBe(30443);
    expect(urlPort('https://portainer.example.com')).toBe(443);
    expect(urlPort('http://10.0.0.5')).toBe(80);
    expect(urlPort('not a url')).toBeUndefined();
  });
  it('reads the tunnel address the way the agent does', () => {
    expect(tunnelHostPort('10.0.0.5:30800')).toEqual({ host: '10.0.0.5', port: 30800 });
    expect(tunnelHostPort('[2001:db8::5]:30800')).toEqual({ host: '2001:db8::5', port: 30800 });
    expect(tunnelHostPort('tcp://edge.example.com:8001/x')).toEqual({ host: 'edge.example.com', port: 8001 });
    expect(tunnelHostPort('edge.example.com')).toBeUndefined();
    expect(tunnelHostPort('2001:db8::5:8000')).toBeUndefined();
    expect(tunnelHostPort('h:99999')).toBeUndefined();
  });
});

// Issue #11 item 12: hints name the ports of the server in question, not Portainer's defaults.
describe('hints with the real ports', () => {
  it('the preflight tunnel check names the token’s tunnel port', () => {
    const proxied = checkTunnel('edge.example.com:30800', { out: '<html>404</html>', rc: 0 });
    expect(proxied.fix).toContain('30800');
    expect(proxied.fix).not.toContain('8000)');
    expect(checkTunnel('edge.example.com:30800', { out: '', rc: 7 }).fix).toContain('30800');
  });
  it('a refused connection in the agent log names the token’s API and tunnel ports', () => {
    const [d] = diagnoseAgentLogs('ERR dial tcp 10.0.0.5:30800: connect: connection refused', { portainerUrl: 'https://10.0.0.5:30443', tunnelAddress: '10.0.0.5:30800' });
    expect(d!.cause).toContain('tunnel port 30800');
    expect(d!.fix).toContain('API port 30443');
    expect(`${d!.cause} ${d!.fix}`).not.toMatch(/\b(8000|9443)\b/);
    // Without the token, it names the fields, still no made-up port.
    const [bare] = diagnoseAgentLogs('connection refused');
    expect(`${bare!.cause} ${bare!.fix}`).not.toMatch(/\b(8000|9443)\b/);
  });
});

describe('one duration formatter', () => {
  it.each([
    [45, '45 s'],
    [300, '5 min'],
    [90, '1 min 30 s'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [86400, '1 day'],
    [604800, '7 days'],
    [0.2, '0.2 s'],
    [59.97, '1 min'],
    [5399, '1 h 30 min'],
    [7199, '2 h'],
    [86399, '1 day'],
    [90000, '1 d 1 h'],
  ])('%i s → %s', (s, text) => expect(durationText(s)).toBe(text));
  it('says how long ago', () => {
    expect(agoText(0, 100)).toBe('never');
    expect(agoText(99, 100)).toBe('just now');
    expect(agoText(100 - 3600, 100)).toBe('1 h ago');
  });
});
