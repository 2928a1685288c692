import { describe, expect, it } from 'vitest';
import { LaunchCodes } from '../../../src-main/bridge/launchCodes';

describe('launch codes', () => {
  it('each code works once, within its lifetime; unknown codes never', () => {
    let now = 1_000;
    const codes = new LaunchCodes(() => now);
    const a = codes.issue(60_000);
    const b = codes.issue(60_000);
    expect(a).not.toBe(b);
    expect(codes.redeem('nope')).toBe(false);
    expect(codes.redeem(a)).toBe(true);
    expect(codes.redeem(a)).toBe(false);
    now += 60_000;
    expect(codes.redeem(b)).toBe(false);
  });
});
