import { describe, expect, it } from 'vitest';
import { isHeartbeatAlive, lostAfterSeconds, pollBudget, secondsUntilLost } from '../../../src-main/shared/domain/heartbeat';
import { AppError } from '../../../src-main/shared/contract/errors';

describe('heartbeat', () => {
  it('uses 2 * interval + 20 seconds', () => {
    expect(lostAfterSeconds(5)).toBe(30);
    expect(lostAfterSeconds(60)).toBe(140);
  });

  it('is alive up to and including the limit', () => {
    expect(isHeartbeatAlive(1030, 1000, 5)).toBe(true);
    expect(isHeartbeatAlive(1031, 1000, 5)).toBe(false);
    expect(isHeartbeatAlive(1000, 1000, 5)).toBe(true);
  });

  it('treats a zero LastCheckInDate as never seen', () => {
    expect(isHeartbeatAlive(10, 0, 5)).toBe(false);
    expect(secondsUntilLost(10, 0, 5)).toBe(0);
  });

  it('counts down to the loss', () => {
    expect(secondsUntilLost(1000, 1000, 5)).toBe(30);
    expect(secondsUntilLost(1025, 1000, 5)).toBe(5);
    expect(secondsUntilLost(1100, 1000, 5)).toBe(0);
  });

  it('computes the poll budget', () => {
    expect(pollBudget(1000, 5)).toEqual({ requestsPerSecond: 200, detectOfflineSeconds: 30 });
    expect(pollBudget(0, 60)).toEqual({ requestsPerSecond: 0, detectOfflineSeconds: 140 });
  });

  it('refuses nonsense inputs', () => {
    expect(() => lostAfterSeconds(0)).toThrow(AppError);
    expect(() => pollBudget(10, -1)).toThrow(/positive/);
    expect(() => pollBudget(-1, 5)).toThrow(/agents|whole number/);
    expect(() => pollBudget(1.5, 5)).toThrow(AppError);
  });
});
