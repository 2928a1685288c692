import { useSyncExternalStore } from 'react';

/** The hash path below the page name: `#/environments/12` → ['12']. Updates on hashchange. */
export function hashSegments(hash: string): string[] {
  const path = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return path.split('/').filter(Boolean).slice(1).map((s) => decodeURIComponent(s));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const read = () => (typeof location === 'undefined' ? '' : location.hash);

export function useHashPath(): string[] {
  const hash = useSyncExternalStore(subscribe, read, () => '');
  return hashSegments(hash);
}

/** Navigates within the app (a hashchange, so the pages follow). */
export function goTo(hash: string): void {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Navigates without a new history entry (Back skips the page being replaced); the pages follow. */
export function replaceTo(hash: string): void {
  history.replaceState(null, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
