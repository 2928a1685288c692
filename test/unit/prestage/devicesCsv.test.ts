import { describe, expect, it } from 'vitest';
import { parseDevicesCsv } from '../../../src-main/services/prestage/devicesCsv';

describe('devices CSV', () => {
  it('reads BOM, CRLF, quoted fields with commas, doubled quotes and line breaks', () => {
    const r = parseDevicesCsv('\uFEFFName,Group,Tags,Poll,Platform,Edge_ID,Host\r\n"a, ""b""",G,x; y ;,10s,Docker,id-1,h1\r\n"multi\nline",,,,,,\r\n\r\n');
    expect(r.errors.map((e) => e.message)).toEqual(['has a line break or control character in its name; remove it.']);
    expect(r.rows).toEqual([{ row: 2, name: 'a, "b"', group: 'G', tags: ['x', 'y'], poll: 10, platform: 'standalone', edgeId: 'id-1', host: 'h1' }]);
    expect(r.errors[0]!.row).toBe(3);
  });

  it('names a missing name column and warns about missing optional ones', () => {
    expect(() => parseDevicesCsv('host,group\nx,y\n')).toThrow(/no "name" column/);
    const r = parseDevicesCsv('name\nonly\n');
    expect(r.rows).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/No group, tags, poll, platform, edge_id, host column/);
    expect(() => parseDevicesCsv('')).toThrow(/empty/);
  });

  it('reports bad bytes, unclosed quotes, duplicates (names case-insensitively, Edge IDs) per row', () => {
    const bytes = Buffer.concat([Buffer.from('name,edge_id\nA,e1\na,e2\nB,e1\n'), Buffer.from([0x43, 0xe9, 0x2c, 0x0a]), Buffer.from('"open,x\n')]);
    const r = parseDevicesCsv(bytes);
    const text = r.errors.map((e) => `${e.row}: ${e.message}`);
    expect(text[0]).toMatch(/^3: has the name "a", already used on line 2/);
    expect(text[1]).toMatch(/^4: has edge_id e1, already used on line 2/);
    expect(text[2]).toMatch(/^5: has bytes that are not UTF-8/);
    expect(text[3]).toMatch(/^6: opens a double quote that is never closed/);
    expect(r.rows.map((x) => x.name)).toEqual(['A']);
  });

  it('refuses quoting that d3-dsv would read wrongly, naming the row and the fix', () => {
    // "a"bc would otherwise read as the two cells a and c, and the columns would shift.
    const r = parseDevicesCsv('name,host\n"shop"1,h1\nok,h2\n"Shop ""5""",h3\n');
    expect(r.errors).toEqual([{ row: 2, name: 'shop', message: expect.stringMatching(/^has text right after the closing double quote of a value; quote the whole value and write each quote inside it as ""/) }]);
    expect(r.rows.map((x) => [x.row, x.name, x.host])).toEqual([
      [3, 'ok', 'h2'],
      [4, 'Shop "5"', 'h3'],
    ]);
    expect(() => parseDevicesCsv('"name,host\nx,y\n')).toThrow('Line 1 opens a double quote that is never closed');
    expect(() => parseDevicesCsv('name,"ho"st\nx,y\n')).toThrow(/^Line 1 has text right after the closing double quote/);
  });

  it('reads CR-only line endings (old Mac exports) and blank lines without shifting row numbers', () => {
    const r = parseDevicesCsv('name,poll\r\rd1,10\r\rd2,\r');
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.row, x.name, x.poll])).toEqual([
      [3, 'd1', 10],
      [5, 'd2', undefined],
    ]);
  });

  it('reads back an export\'s fleet.csv (extra columns ignored)', () => {
    const r = parseDevicesCsv('name,group,tags,poll,platform,edge_id,host,environment_id,bundle,expires,last_confirmed_with_server\r\nd1,,a;b,,podman,e-1,,4,devices/d1,,2025-01-01T00:00:00Z\r\n');
    expect(r.warnings).toEqual([]);
    expect(r.rows[0]).toMatchObject({ name: 'd1', platform: 'podman', edgeId: 'e-1', tags: ['a', 'b'] });
  });
});
