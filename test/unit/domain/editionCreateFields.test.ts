import { describe, expect, it } from 'vitest';
import { editionCreateFields } from '../../../src-main/shared/domain/editionCreateFields';

/** The one Business Edition create rule (docs/portainer-versions.md, facts 17, 18 and 20). */
const url = 'https://portainer.example.com:9443';
const withAddress = { enableEdgeComputeFeatures: true, tunnelServerAddress: 'tunnel.example.com:8000' };
const without = { enableEdgeComputeFeatures: true, tunnelServerAddress: '' };

describe('editionCreateFields', () => {
  it('CE and BE with a tunnel address send nothing extra', () => {
    expect(editionCreateFields('ce', without, {}, url)).toEqual({});
    expect(editionCreateFields('be', withAddress, {}, url)).toEqual({});
  });

  it('BE without one (or Edge compute off, or unreadable settings): typed, else built-in, else host:8000', () => {
    expect(editionCreateFields('be', without, { tunnelServerAddress: ' t.example.com:9000 ' }, url, '127.0.0.1:4000')).toEqual({ tunnelServerAddress: 't.example.com:9000' });
    expect(editionCreateFields('be', without, {}, url, '127.0.0.1:4000')).toEqual({ tunnelServerAddress: '127.0.0.1:4000' });
    expect(editionCreateFields('be', { ...withAddress, enableEdgeComputeFeatures: false }, {}, url)).toEqual({ tunnelServerAddress: 'tunnel.example.com:8000' });
    expect(editionCreateFields('be', null, {}, 'https://[::1]:9443')).toEqual({ tunnelServerAddress: '[::1]:8000' });
  });

  it('refuses what Portainer refuses, naming the field', () => {
    expect(() => editionCreateFields('be', without, {}, 'https://localhost:9443')).toThrow(expect.objectContaining({ field: 'tunnelServerAddress', message: expect.stringMatching(/refuses "localhost"/) }));
    expect(() => editionCreateFields('ce', without, { async: { ping: 60, snapshot: 60, command: 60 } }, url)).toThrow(expect.objectContaining({ field: 'async' }));
  });
});
