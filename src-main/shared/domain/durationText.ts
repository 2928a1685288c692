/**
 * The one way the app writes a span of time for people: "45 s", "5 min", "1 h", "1 h 30 min",
 * "1 day". Every screen, message and CLI line that shows a duration uses it, so one interval never
 * reads "1 h" in one place and "3600 s" in another.
 */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return s % 3600 === 0 ? `${s / 3600} h` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return s % 86400 === 0 ? `${s / 86400} day${s === 86400 ? '' : 's'}` : `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

/** "never", "just now", "12 s ago", "3 min ago"… from unix seconds, relative to `nowSec`. */
export function agoText(unixSec: number, nowSec: number): string {
  if (!unixSec) return 'never';
  const d = Math.max(0, nowSec - unixSec);
  return d < 2 ? 'just now' : `${durationText(d)} ago`;
}
