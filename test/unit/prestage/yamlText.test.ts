import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { yq } from '../../../src-main/services/prestage/yamlText';

describe('yq (YAML scalars through the yaml package)', () => {
  it('any string reads back as itself, as a mapping value and a mapping key, on one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const q = yq(s);
        expect(q.includes('\n')).toBe(false);
        expect(parse(`key: ${q}\n`)).toEqual({ key: s });
        expect(parse(`${q}: 1\n`)).toEqual({ [s]: 1 });
      }),
      { numRuns: 300 },
    );
  });
  it('values that would change the structure stay text', () => {
    for (const s of ['a: b', '- x', '#c', '"q"', 'yes', 'null', '123', '{a: 1}', 'x\ny', '  lead']) expect(parse(`v: ${yq(s)}`)).toEqual({ v: s });
    expect(yq(3)).toBe('3');
    expect(yq(true)).toBe('true');
  });
});
