/**
 * The one way the app writes a span of time for people: "45 s", "5 min", "1 h", "1 h 30 min",
 * "1 day". Every screen, message and CLI line that shows a duration uses it, so one interval never
 * reads "1 h" in one place and "3600 s" in another.
 */
export function durationText(seconds: number): string {
  // Under a minute the tenths stay: a 0.2 s test interval must not read "0 s".
  if (seconds < 59.95) return `${Math.max(0, Number(seconds.toFixed(1)))} s`;
  const s = Math.round(seconds);
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  // Round to whole minutes (hours) first and split after, so 5399 s reads "1 h 30 min", never "1 h 60 min".
  const m = Math.round(s / 60);
  if (m < 1440) return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  const h = Math.round(s / 3600);
  return h % 24 === 0 ? `${h / 24} day${h === 24 ? '' : 's'}` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "never", "just now", "12 s ago", "3 min ago"… from unix seconds, relative to `nowSec`. */
export function agoText(unixSec: number, nowSec: number): string {
  if (!unixSec) return 'never';
  const d = Math.max(0, nowSec - unixSec);
  return d < 2 ? 'just now' : `${durationText(d)} ago`;
}
