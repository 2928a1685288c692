import { describe, expect, it } from 'vitest';
import { dsvFormat } from 'd3-dsv';
import fc from 'fast-check';
import { readCsvRecords } from '../../../src-main/shared/domain/csvRecords';

const shape = (text: string, sep: ',' | ';' = ',') => {
  const r = readCsvRecords(text, sep);
  return { recs: r.records.map((x) => [x.line, x.lastLine, x.cells]), unclosed: r.unclosedQuoteLine };
};

describe('CSV records (d3-dsv with line numbers)', () => {
  it('drops a BOM; LF, CRLF and CR end records; blank lines stay as records so line numbers hold', () => {
    expect(shape('\uFEFFa,b\r\n\r\nc,d\r\n')).toEqual({ recs: [[1, 1, ['a', 'b']], [2, 2, ['']], [3, 3, ['c', 'd']]], unclosed: undefined });
    expect(shape('a\rb\rc').recs).toEqual([[1, 1, ['a']], [2, 2, ['b']], [3, 3, ['c']]]);
    expect(shape('a,b').recs).toEqual([[1, 1, ['a', 'b']]]);
    expect(shape('').recs).toEqual([]);
  });

  it('quoted cells hold separators, doubled quotes and line breaks; the next record starts on the right line', () => {
    expect(shape('"a, ""b""","x\r\ny\nz"\nnext,"1;2"\n').recs).toEqual([
      [1, 3, ['a, "b"', 'x\r\ny\nz']],
      [4, 4, ['next', '1;2']],
    ]);
    expect(shape('t;n\nu@h;"a;b"\n', ';').recs).toEqual([[1, 1, ['t', 'n']], [2, 2, ['u@h', 'a;b']]]);
  });

  it('an unclosed quote is named by the line of its record, which is left out; the records before it are kept', () => {
    // d3-dsv alone reads the rest of the file into one cell and reports nothing.
    expect(shape('name,x\nok,1\nbad,"open\nlater,2\nlast,3\n')).toEqual({ recs: [[1, 1, ['name', 'x']], [2, 2, ['ok', '1']]], unclosed: 3 });
    expect(shape('"never closed').unclosed).toBe(1);
    expect(shape('a,"multi\nline",ok\nb,"x\n').unclosed).toBe(3);
    // A quote inside an unquoted cell is text, not an opening quote.
    expect(shape('5" screen,x\n')).toEqual({ recs: [[1, 1, ['5" screen', 'x']]], unclosed: undefined });
    // Pairs of quotes up to the end do not close it (d3-dsv's rule too).
    expect(shape('a\n"b""""\n').unclosed).toBe(2);
  });

  it('text after a closing quote marks its record (d3-dsv alone reads "a"bc as the cells a and c)', () => {
    const r = readCsvRecords('name,host\n"a"bc,h\nok,"x\ny"\n"multi\nline"z,h\n"fine ""q""",h\r\n');
    expect(r.records.map((x) => [x.line, x.problem === undefined ? 'ok' : 'text after quote'])).toEqual([
      [1, 'ok'],
      [2, 'text after quote'],
      [3, 'ok'],
      [5, 'text after quote'],
      [7, 'ok'],
    ]);
    expect(r.records[1]!.problem).toMatch(/^has text right after the closing double quote of a value; quote the whole value/);
  });
});

describe('CSV records: the quote checks agree with d3-dsv on well-formed files', () => {
  it('any rows written by d3-dsv read back unchanged, with no problem and the right lines', () => {
    const cell = fc.stringMatching(/^[a-z",;\r\n ]{0,6}$/);
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.constantFrom(',' as const, ';' as const), fc.constantFrom('\n', '\r\n'), (rows, sep, eol) => {
        const text = rows.map((r) => dsvFormat(sep).formatRows([r])).join(eol) + eol;
        const r = readCsvRecords(text, sep);
        expect(r.unclosedQuoteLine).toBeUndefined();
        expect(r.records.map((x) => x.cells)).toEqual(rows);
        expect(r.records.filter((x) => x.problem)).toEqual([]);
        let line = 1;
        for (const [i, rec] of r.records.entries()) {
          expect(rec.line).toBe(line);
          line += 1 + rows[i]!.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
