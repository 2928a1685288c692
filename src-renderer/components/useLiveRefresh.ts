import { useEffect, useRef } from 'react';

/** How often an open view asks the server again for what has no event (check-ins, heartbeats, tunnels). */
export const LIVE_REFRESH_MS = 3000;

/**
 * Keeps a view live while it is mounted: `refresh` every `intervalMs` while the page is visible,
 * and at once when it becomes visible or focused again. Browsers slow timers in background tabs
 * to once a minute or less, so a view left behind a tab would otherwise show its old state
 * (e.g. "No heartbeat" long after the agent checked in) until reloaded.
 */
export function useLiveRefresh(refresh: () => void, intervalMs: number = LIVE_REFRESH_MS): void {
  // The latest callback, so a caller's inline function does not restart the timer on each render.
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';
    const tick = () => {
      if (!hidden()) latest.current();
    };
    const timer = setInterval(tick, intervalMs);
    document.addEventListener('visibilitychange', tick);
    window.addEventListener('focus', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
      window.removeEventListener('focus', tick);
    };
  }, [intervalMs]);
}

/** `fn` at most once per `ms` (the first call runs at once, a burst after it runs once at the end). */
export function throttle(fn: () => void, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        fn();
      }, wait);
    }
  };
}
