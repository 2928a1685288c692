import { Button, ColorSwatch } from '@mantine/core';
import { IconSelector } from '@tabler/icons-react';
import { lazy, Suspense, useEffect } from 'react';
import { tlsChangeOf } from '../../components/fieldErrors';
import { useSimulator } from '../simulator/simulatorStore';
import { SecretPromptModal } from './SecretPromptModal';
import { LOCAL_WARNING, useServers } from './serversStore';

// The dialog loads on first open, so the header stays light.
const ServerPickerDialog = lazy(() => import('./ServerPickerDialog').then((m) => ({ default: m.ServerPickerDialog })));

/** What the header badge says, and in which colour. */
export function badgeOf(
  status: ReturnType<typeof useServers.getState>['status'],
  sim: { running: boolean; embedded: boolean } | undefined,
): { label: string; color: string; title: string } {
  const profile = status?.profile;
  if (!profile) {
    // No server API answer: fall back to the local simulator's own status.
    if (!sim?.running) return { label: 'No server connected', color: 'gray', title: 'Add a Portainer server in Settings' };
    return { label: sim.embedded ? LOCAL_WARNING : 'Local simulator running', color: 'orange', title: 'The local Portainer-compatible simulator' };
  }
  if (tlsChangeOf(status?.error)) return { label: `${profile.name}: certificate changed — refused`, color: 'red', title: status!.error!.message };
  if (!status?.connected) return { label: `${profile.name}: not connected`, color: 'red', title: status?.error?.message ?? 'Not connected' };
  const version = status.version ? ` · ${status.version}` : '';
  if (profile.builtIn) return { label: LOCAL_WARNING, color: 'orange', title: `${profile.url} (Portainer${version}) — choose another server` };
  if (profile.insecure) return { label: `${profile.name}${version} · verification skipped`, color: 'red', title: `${profile.url}: certificate verification is OFF` };
  return { label: `${profile.name}${version}`, color: 'green', title: `${profile.url} — choose another server` };
}

/** The header's server switcher: the active server and its state; a click opens the server picker. */
export function ServerPicker() {
  const status = useServers((s) => s.status);
  const known = useServers((s) => s.statusKnown);
  const open = useServers((s) => s.pickerOpen);
  const sim = useSimulator((s) => s.status);
  const simKnown = useSimulator((s) => s.statusKnown);

  useEffect(() => {
    if (!useServers.getState().statusKnown) void useServers.getState().loadStatus();
  }, []);
  // The local simulator stopping or starting changes the built-in profile.
  useEffect(() => {
    if (simKnown) void useServers.getState().loadStatus();
  }, [sim?.running, simKnown]);

  if (!known && !simKnown) return null;
  const badge = badgeOf(status, sim);
  return (
    <>
      {/* A neutral control (it switches servers); only the dot carries the state's colour. */}
      <Button
        variant="default"
        size="xs"
        onClick={() => useServers.getState().setPickerOpen(true)}
        aria-haspopup="dialog"
        aria-label={`Server: ${badge.label}. Choose the server`}
        title={badge.title}
        leftSection={<ColorSwatch color={`var(--mantine-color-${badge.color}-6)`} size={10} withShadow={false} aria-hidden data-testid="server-state-dot" data-color={badge.color} />}
        rightSection={<IconSelector size={14} aria-hidden />}
        styles={{ label: { fontWeight: 500 } }}
        data-testid="server-picker"
      >
        <span data-testid="server-badge">{badge.label}</span>
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <ServerPickerDialog />
        </Suspense>
      ) : null}
      <SecretPromptModal />
    </>
  );
}
