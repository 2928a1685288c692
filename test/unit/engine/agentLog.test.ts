import { describe, expect, it } from 'vitest';
import { agentLine, edgeKeyError, goRequestError, goTime } from '../../fixtures/engine/agentImage/agentLog';

/** The test image's copy of the agent's log lines (docs/agent-logs.md). */
describe('agent log lines of the test image', () => {
  it("uses zerolog's console layout with Go's time format and quoting", () => {
    const at = new Date('2026-12-03T17:05:09Z');
    expect(goTime(at)).toBe('2026/12/03 05:05PM');
    expect(goTime(new Date('2026-12-03T00:30:00Z'))).toBe('2026/12/03 12:30AM');
    expect(agentLine('ERR', 'edge/poll.go:156', 'an error occured during short poll', 'a b "c"', at)).toBe(
      '2026/12/03 05:05PM ERR github.com/portainer/agent/edge/poll.go:156 > an error occured during short poll | error="a b \\"c\\""',
    );
    expect(agentLine('ERR', 'edge/poll.go:280', 'unable to create tunnel', 'EOF', at)).toMatch(/ \| error=EOF$/);
  });

  it("turns Node's request errors into Go's", () => {
    const url = 'https://10.0.0.1:9443/api/endpoints/3/edge/status';
    expect(goRequestError(url, 'connect ECONNREFUSED 10.0.0.1:9443')).toBe(`Get "${url}": dial tcp 10.0.0.1:9443: connect: connection refused`);
    expect(goRequestError(url, 'connect EHOSTUNREACH 10.0.0.1:9443')).toBe(`Get "${url}": dial tcp 10.0.0.1:9443: connect: no route to host`);
    expect(goRequestError(url, 'getaddrinfo ENOTFOUND portainer.lan')).toBe(`Get "${url}": dial tcp: lookup portainer.lan: no such host`);
    expect(goRequestError(url, 'Headers Timeout Error')).toMatch(/context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)$/);
    expect(goRequestError(url, 'self-signed certificate')).toMatch(/x509: certificate signed by unknown authority$/);
    // The server's own answer (message: details) is already the agent's text.
    expect(goRequestError(url, 'Permission denied to access environment: invalid Edge identifier')).toBe('Permission denied to access environment: invalid Edge identifier');
  });

  it("refuses keys the way the agent's ParseEdgeKey does", () => {
    const key = Buffer.from('https://p:9443|p:8000|fp|7').toString('base64').replace(/=+$/, '');
    expect(edgeKeyError(key)).toBeUndefined();
    expect(edgeKeyError(`${key}==`)).toBe(`illegal base64 data at input byte ${key.length}`);
    expect(edgeKeyError(`${key.slice(0, 10)} ${key.slice(10)}`)).toBe('illegal base64 data at input byte 10');
    expect(edgeKeyError(Buffer.from('https://p:9443|p:8000|fp').toString('base64').replace(/=+$/, ''))).toBe('invalid key format');
    expect(edgeKeyError(Buffer.from('https://p:9443|p:8000|fp|x').toString('base64').replace(/=+$/, ''))).toBe('invalid key format');
  });
});
