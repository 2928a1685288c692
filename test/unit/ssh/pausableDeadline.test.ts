import { describe, expect, it, vi } from 'vitest';
import { PausableDeadline } from '../../../src-main/services/ssh/pausableDeadline';

describe('PausableDeadline (the SSH handshake budget that stops while a person decides)', () => {
  it('expires after its budget when nothing pauses it', () => {
    vi.useFakeTimers();
    const onExpire = vi.fn();
    const d = new PausableDeadline(1000, onExpire);
    d.start();
    vi.advanceTimersByTime(999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(d.expired).toBe(true);
    vi.useRealTimers();
  });

  it('does not count paused time, keeps what was left, and waits for the last of overlapping pauses', () => {
    vi.useFakeTimers();
    const onExpire = vi.fn();
    const d = new PausableDeadline(1000, onExpire);
    d.start();
    vi.advanceTimersByTime(600);
    d.pause();
    d.pause();
    vi.advanceTimersByTime(60_000);
    d.resume();
    vi.advanceTimersByTime(60_000);
    expect(onExpire).not.toHaveBeenCalled();
    d.resume();
    vi.advanceTimersByTime(399);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('during() pauses around async work, also when it throws; stop() ends it for good', async () => {
    vi.useFakeTimers();
    const onExpire = vi.fn();
    const d = new PausableDeadline(100, onExpire);
    d.start();
    let release!: () => void;
    const work = d.during(() => new Promise<void>((r) => (release = r)));
    vi.advanceTimersByTime(10_000);
    expect(onExpire).not.toHaveBeenCalled();
    release();
    await work;
    await expect(d.during(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    d.stop();
    vi.advanceTimersByTime(10_000);
    expect(onExpire).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});
