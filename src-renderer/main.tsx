import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { listenToHash } from './route';
import { subscribeSimulatorEvents, useSimulator } from './features/simulator/simulatorStore';
import { useCapabilities } from './capabilities';

const theme = createTheme({
  primaryColor: 'blue',
  // Keyboard users see where focus is; mouse clicks do not leave rings behind.
  focusRing: 'auto',
});

// Once per page: hash routes, main's events, the server badge's first status, and the shell's capabilities.
listenToHash();
subscribeSimulatorEvents();
void useSimulator.getState().loadStatus();
// What the shell can do (the clipboard's way, dialogs), known before the first copy button is pressed.
void useCapabilities.getState().load();

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
