import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { isPsSafe, isShellSafe, psQuote, psQuoteIfNeeded, shellDoubleQuotedArg, shellQuote } from '../../../src-main/shared/domain/shellQuote';

/** Runs the words through a real bash and returns the argv it produced. */
function bashArgs(words: string): string[] {
  const r = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', `printf '%s\\0' ${words}`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom(' ', '"', "'", '$', '`', ';', '&', '|', '*', '?', '~', '\\', '!', '(', ')', '{', '}', '<', '>', '#', '\t', '\n', 'é', '日', '😀', '[', ']', '%', '='),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
});

describe('isShellSafe / shellQuote', () => {
  it('keeps ordinary Edge values byte-identical', () => {
    for (const v of [
      'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3w+/w==',
      '5f8e4a4c-62f1-4a67-9b1c-2f1d1b3b9f0e',
      'https://portainer.example.com:9443/path',
      '2.23.0',
      'a_b-c.d,e/f:g@h%i+j=k^l',
    ]) {
      expect(isShellSafe(v)).toBe(true);
      expect(shellQuote(v)).toBe(v);
    }
  });

  it('quotes everything bash would reinterpret', () => {
    for (const v of ['', ' ', 'a b', '$HOME', '`id`', 'a;b', 'a&b', 'a|b', '*', '?', '~', '~/x', 'a\\b', '!x', '(x)', '{a,b}', 'a>b', '#x', "it's", 'x\ny', 'é', '[a]']) {
      expect(isShellSafe(v)).toBe(false);
    }
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('makes bash yield exactly the value (property, real bash)', () => {
    fc.assert(
      fc.property(fc.array(nasty.filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 4 }), (values) => {
        expect(bashArgs(values.map(shellQuote).join(' '))).toEqual(values);
      }),
      { numRuns: 60 },
    );
  });
});

describe('shellDoubleQuotedArg', () => {
  it('keeps the double quotes Portainer writes for plain values', () => {
    expect(shellDoubleQuotedArg('')).toBe('""');
    expect(shellDoubleQuotedArg('A=1,B=two words')).toBe('"A=1,B=two words"');
    expect(shellDoubleQuotedArg("it's")).toBe('"it\'s"');
  });

  it('switches to single quotes where double quotes would expand', () => {
    expect(shellDoubleQuotedArg('$x')).toBe("'$x'");
    expect(shellDoubleQuotedArg('say "hi"')).toBe('\'say "hi"\'');
    expect(shellDoubleQuotedArg("a!b'c")).toBe("'a!b'\\''c'");
  });

  it('makes bash yield exactly the value (property, real bash)', () => {
    fc.assert(
      fc.property(nasty.filter((s) => !s.includes('\0')), (v) => {
        expect(bashArgs(shellDoubleQuotedArg(v))).toEqual([v]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('PowerShell quoting', () => {
  it('doubles single quotes, including typographic ones', () => {
    expect(psQuote("it's")).toBe("'it''s'");
    expect(psQuote('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(psQuote('$env:X `n')).toBe("'$env:X `n'");
  });

  it('leaves safe values alone', () => {
    expect(isPsSafe('EDGE_KEY=aGVsbG8+/w==')).toBe(true);
    expect(psQuoteIfNeeded('EDGE_ID=5f8e4a4c-62f1')).toBe('EDGE_ID=5f8e4a4c-62f1');
    for (const v of ['a b', 'a,b', '$x', '@x', 'a;b', '(x)', "'", '`', 'a#b', '']) expect(isPsSafe(v)).toBe(false);
    expect(psQuoteIfNeeded('A=x y')).toBe("'A=x y'");
  });
});
