import type { EnvironmentView, TunnelStateView } from '../../../src-main/shared/schemas/portainer';
import type { SortField } from './envListStore';

/**
 * The list's columns. Every text column may shrink to its minimum and cuts its text with an
 * ellipsis, so the grid fits the content box at 1024 px with the sidebar open (about 720 px for
 * the grid); below the sum of the minimums the one list box scrolls sideways, header included.
 */
export interface Column {
  key: string;
  label: string;
  /** CSS grid track. */
  track: string;
  /** The server's sort field, when the column sorts. */
  sort?: SortField;
}

export const columns: Column[] = [
  { key: 'select', label: 'Selected', track: '32px' },
  { key: 'name', label: 'Name', track: 'minmax(110px, 2fr)', sort: 'Name' },
  { key: 'group', label: 'Group', track: 'minmax(70px, 1fr)', sort: 'Group' },
  { key: 'tags', label: 'Tags', track: 'minmax(70px, 1fr)' },
  { key: 'platform', label: 'Platform', track: 'minmax(64px, 0.7fr)' },
  { key: 'agent', label: 'Agent', track: 'minmax(56px, 0.6fr)' },
  { key: 'connection', label: 'Connection', track: 'minmax(120px, 1.1fr)', sort: 'Status' },
  { key: 'checkin', label: 'Last check-in', track: 'minmax(90px, 0.9fr)', sort: 'LastCheckIn' },
];

export const GRID_TEMPLATE = columns.map((c) => c.track).join(' ');
export const COLUMN_GAP = 8;
/** The widest the grid can be squeezed to; below it the list box scrolls sideways. */
export const GRID_MIN_WIDTH = 16 + COLUMN_GAP * (columns.length - 1) + columns.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.track)![1]), 0);

/** Portainer's EndpointType 7 is the Edge agent on Kubernetes; 4 on Docker, or Podman by its container engine. */
export function platformText(env: Pick<EnvironmentView, 'type' | 'containerEngine'>): string {
  if (env.type === 7) return 'Kubernetes';
  return env.containerEngine === 'podman' ? 'Podman' : 'Docker';
}

/** The tunnel in a word or two, where the server tells (the local server); undefined for real Portainer. */
export function tunnelWord(t: TunnelStateView | undefined): string | undefined {
  if (!t) return undefined;
  if (t.status === 'verified') return 'tunnel verified';
  if (t.status === 'open') return 'tunnel open';
  return 'tunnel closed';
}
