import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { listenToHash } from './route';
import { subscribeSimulatorEvents, useSimulator } from './features/simulator/simulatorStore';

const theme = createTheme({
  primaryColor: 'blue',
  // Keyboard users see where focus is; mouse clicks do not leave rings behind.
  focusRing: 'auto',
});

// Once per page: hash routes, main's events, and the server badge's first status.
listenToHash();
subscribeSimulatorEvents();
void useSimulator.getState().loadStatus();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <App />
    </MantineProvider>
  </StrictMode>,
);
