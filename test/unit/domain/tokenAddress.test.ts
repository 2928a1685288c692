import { describe, expect, it } from 'vitest';
import { movedTokenFields, sameServerUrl, tokenAddressWarnings } from '../../../src-main/shared/domain/tokenAddress';

// Issue #11 item 2: the details view warns when a join token's URL or tunnel address does not
// match the server it belongs to, and a moved local server re-issues exactly the fields that named it.
const local = { url: 'https://127.0.0.1:40123', tunnelAddress: '127.0.0.1:40124' };

describe('tokenAddressWarnings', () => {
  it('says nothing for a token naming the server (a trailing slash is the same server)', () => {
    expect(tokenAddressWarnings({ portainerUrl: 'https://127.0.0.1:40123/', tunnelAddress: '127.0.0.1:40124' }, local, true)).toEqual([]);
    expect(sameServerUrl('https://h:1/', 'https://h:1')).toBe(true);
    expect(sameServerUrl('https://h:1', 'https://h:2')).toBe(false);
  });

  it('the local server (strict): a dead URL and a dead tunnel address are each named with both places', () => {
    const w = tokenAddressWarnings({ portainerUrl: 'https://127.0.0.1:39999', tunnelAddress: '127.0.0.1:39998' }, local, true);
    expect(w).toHaveLength(2);
    expect(w[0]).toContain('https://127.0.0.1:39999 is not where this server listens (https://127.0.0.1:40123)');
    expect(w[0]).toContain('Use a fresh token');
    expect(w[1]).toContain('tunnel address 127.0.0.1:39998 is not where this server\'s tunnel listens (127.0.0.1:40124)');
  });

  it('a real Portainer: another name is flagged softly, and not at all when it is the Edge URL setting', () => {
    const server = { url: 'https://10.0.0.2:9443', edgeUrl: 'https://portainer.example.com' };
    const soft = tokenAddressWarnings({ portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'x:8000' }, server, false);
    expect(soft).toHaveLength(1);
    expect(soft[0]).toContain('That is fine if Edge devices reach the server under that name');
    expect(tokenAddressWarnings({ portainerUrl: 'https://portainer.example.com', tunnelAddress: 'x:8000' }, server, false)).toEqual([]);
  });
});

describe('movedTokenFields', () => {
  const from = { url: 'https://127.0.0.1:1000', tunnelAddress: '127.0.0.1:1001' };
  const to = { url: 'https://127.0.0.1:2000', tunnelAddress: '127.0.0.1:2001' };

  it('replaces the fields that named the old place and keeps a name the user chose', () => {
    const fields = { portainerUrl: 'https://127.0.0.1:1000', tunnelAddress: '127.0.0.1:1001', tunnelFingerprint: 'fp', environmentId: 3 };
    expect(movedTokenFields(fields, from, to)).toEqual({ ...fields, portainerUrl: 'https://127.0.0.1:2000', tunnelAddress: '127.0.0.1:2001' });
    const chosen = { ...fields, portainerUrl: 'https://edge.example.com:9443' };
    expect(movedTokenFields(chosen, from, to)).toEqual({ ...chosen, tunnelAddress: '127.0.0.1:2001' });
    expect(movedTokenFields({ ...chosen, tunnelAddress: 'edge.example.com:8000' }, from, to)).toBeUndefined();
  });
});
