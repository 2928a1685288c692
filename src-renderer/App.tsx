import { ActionIcon, AppShell, Burger, Group, Loader, NavLink, ScrollArea, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import {
  IconCloudUpload,
  IconDownload,
  IconKey,
  IconLayoutSidebarLeftCollapse,
  IconLayoutSidebarLeftExpand,
  IconServer2,
  IconUserCheck,
  IconSettings,
  IconTerminal2,
  IconTestPipe,
  type Icon,
} from '@tabler/icons-react';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { notifyError } from './components/notify';
import { usePreferences } from './components/preferencesStore';
import { api } from './api';
import { ServerPicker } from './features/servers/ServerPicker';
import { ServerMovedAlert } from './features/simulator/ServerMovedAlert';
import { hrefOf, useRoute, type Route } from './route';

// Feature pages load on first visit, so the first paint carries only the shell.
const Inspector = lazy(() => import('./features/inspector/Inspector').then((m) => ({ default: m.Inspector })));
const CommandBuilder = lazy(() => import('./features/commands/CommandBuilder').then((m) => ({ default: m.CommandBuilder })));
const EnvironmentsPage = lazy(() => import('./features/environments/EnvironmentsPage').then((m) => ({ default: m.EnvironmentsPage })));
const SettingsPage = lazy(() => import('./features/servers/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const SimulatorPage = lazy(() => import('./features/simulator/SimulatorPage').then((m) => ({ default: m.SimulatorPage })));
const ExportPage = lazy(() => import('./features/export/ExportPage').then((m) => ({ default: m.ExportPage })));
const WaitingRoom = lazy(() => import('./features/waiting/WaitingRoom').then((m) => ({ default: m.WaitingRoom })));
const InstallPage = lazy(() => import('./features/install/InstallPage').then((m) => ({ default: m.InstallPage })));

interface NavItem {
  route: Route;
  label: string;
  icon: Icon;
}

const mainNav: NavItem[] = [
  { route: 'environments', label: 'Environments', icon: IconServer2 },
  { route: 'waiting', label: 'Waiting room', icon: IconUserCheck },
  { route: 'install', label: 'Install', icon: IconCloudUpload },
  { route: 'simulator', label: 'Simulator', icon: IconTestPipe },
  { route: 'export', label: 'Export', icon: IconDownload },
  { route: 'settings', label: 'Settings', icon: IconSettings },
];

const toolsNav: NavItem[] = [
  { route: 'inspector', label: 'Join-token inspector', icon: IconKey },
  { route: 'commands', label: 'Command builder', icon: IconTerminal2 },
];

const titles: Record<Route, string> = {
  environments: 'Environments',
  waiting: 'Waiting room',
  install: 'Install',
  simulator: 'Simulator',
  export: 'Export',
  settings: 'Settings',
  inspector: 'Join-token inspector',
  commands: 'Command builder',
};

function page(route: Route): ReactNode {
  switch (route) {
    case 'environments':
      return <EnvironmentsPage />;
    case 'waiting':
      return <WaitingRoom />;
    case 'install':
      return <InstallPage />;
    case 'export':
      return <ExportPage />;
    case 'settings':
      return <SettingsPage />;
    case 'inspector':
      return <Inspector />;
    case 'commands':
      return <CommandBuilder />;
    case 'simulator':
      return <SimulatorPage />;
  }
}

function NavLinks({ items, route, onNavigate }: { items: NavItem[]; route: Route; onNavigate: () => void }) {
  return items.map((item) => (
    <NavLink
      key={item.route}
      component="a"
      href={hrefOf(item.route)}
      label={item.label}
      leftSection={<item.icon size={18} stroke={1.6} />}
      active={route === item.route}
      aria-current={route === item.route ? 'page' : undefined}
      onClick={onNavigate}
      data-testid={`nav-${item.route}`}
    />
  ));
}

export function App() {
  const route = useRoute((s) => s.route);
  const [opened, { toggle, close }] = useDisclosure();
  // The wide-screen sidebar folds away for room, kept by main across visits and serve ports; small screens use the burger.
  const navCollapsed = usePreferences((s) => s.prefs.navCollapsed);
  useEffect(() => void usePreferences.getState().load(), []);
  const navLabel = navCollapsed ? 'Show the sidebar' : 'Hide the sidebar';
  // Mantine's "sm" breakpoint: above it the folded sidebar is off screen, so its links leave the tab order too.
  const wide = useMediaQuery('(min-width: 48em)');

  useEffect(() => {
    document.title = `${titles[route]} · Edgedeck`;
  }, [route]);

  // Errors main caught outside any call (it kept running): say so instead of failing silently.
  useEffect(() => api.on('app:problem', (p) => notifyError('Internal error', new Error(p.message))), []);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened, desktop: navCollapsed } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Tooltip label={navLabel}>
              <ActionIcon
                variant="subtle"
                color="gray"
                visibleFrom="sm"
                onClick={() => void usePreferences.getState().change({ navCollapsed: !navCollapsed })}
                aria-label={navLabel}
                aria-expanded={!navCollapsed}
                aria-controls="edgedeck-navbar"
                data-testid="nav-toggle"
              >
                {navCollapsed ? <IconLayoutSidebarLeftExpand size={20} stroke={1.6} /> : <IconLayoutSidebarLeftCollapse size={20} stroke={1.6} />}
              </ActionIcon>
            </Tooltip>
            <Title order={1} size="h3">
              Edgedeck
            </Title>
          </Group>
          <ServerPicker />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main" id="edgedeck-navbar" data-testid="navbar" data-collapsed={navCollapsed} inert={navCollapsed && wide ? true : undefined}>
        <AppShell.Section grow component={ScrollArea}>
          <NavLinks items={mainNav} route={route} onNavigate={close} />
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4} id="nav-tools">
            Tools
          </Text>
          <nav aria-labelledby="nav-tools">
            <NavLinks items={toolsNav} route={route} onNavigate={close} />
          </nav>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <ConnectionBanner />
        <ServerMovedAlert />
        <Suspense fallback={<Loader size="sm" aria-label="Loading" />}>
          <div key={route}>{page(route)}</div>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
