import { create } from 'zustand';

/** Pages, addressed by hash (`#/inspector`). No router dependency: a store plus a hashchange listener. */
export const routes = ['environments', 'waiting', 'install', 'simulator', 'export', 'settings', 'inspector', 'commands'] as const;
export type Route = (typeof routes)[number];
export const defaultRoute: Route = 'environments';

export function parseHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (routes as readonly string[]).includes(name) ? (name as Route) : defaultRoute;
}

export const hrefOf = (route: Route): string => `#/${route}`;

interface RouteStore {
  route: Route;
  sync(): void;
}

export const useRoute = create<RouteStore>()((set) => ({
  route: typeof location === 'undefined' ? defaultRoute : parseHash(location.hash),
  sync: () => set({ route: parseHash(location.hash) }),
}));

/** Call once at start; returns the remover. */
export function listenToHash(): () => void {
  const onChange = () => useRoute.getState().sync();
  window.addEventListener('hashchange', onChange);
  onChange();
  return () => window.removeEventListener('hashchange', onChange);
}
