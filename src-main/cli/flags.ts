import { parseCheckinWaitText } from '../shared/domain/checkinWait';
import { parsePollText } from '../shared/domain/pollInterval';
import { AppError, invalidInput } from '../shared/contract/errors';

/** Re-labels a core error with the flag that carries the field, so the user knows what to change. */
export function withFlagNames<T>(flags: Record<string, string>, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof AppError && err.field && flags[err.field]) {
      throw new AppError(err.code, err.message, flags[err.field]);
    }
    throw err;
  }
}

export function requireFlag(value: string | undefined, flag: string, what: string): string {
  if (value === undefined) throw invalidInput(flag, `missing; give ${what}.`);
  return value;
}

/** A whole-number flag within [min, max]; undefined when not given. */
export function intFlag(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw invalidInput(flag, `${flag} takes a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, not "${value}".`);
  return Number(value);
}

/** A TCP port flag (0: pick a free one). */
export function portFlag(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw invalidInput(flag, `A port is a whole number from 0 (pick a free one) to 65535, not "${value}".`);
  return n;
}

/** Addresses that stay on this machine. */
export const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** A seconds flag read by one of the core's rules (`parse`); its message names the flag; nothing clamped. */
function secondsFlag(value: string | undefined, flag: string, parse: (text: string, what: string) => { seconds: number } | { problem: string }): number | undefined {
  if (value === undefined) return undefined;
  const r = parse(value, flag);
  if ('problem' in r) throw invalidInput(flag, r.problem);
  return r.seconds;
}

/** A poll interval flag, by the core's one rule (0: the server's default). */
export const pollFlag = (value: string | undefined, flag: string): number | undefined => secondsFlag(value, flag, parsePollText);

/** A check-in wait flag (`edgedeck install --checkin-timeout`), by the core's one rule. */
export const checkinTimeoutFlag = (value: string | undefined, flag: string): number | undefined => secondsFlag(value, flag, parseCheckinWaitText);
