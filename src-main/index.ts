import { app, BrowserWindow, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from './shared/contract/ipcChannels';
import { createAppServices, type AppServices } from './services/app/appServices';
import { currentPlatform, prepareDataFolder, sessionLogFolder } from './services/platform/dataFolder';
import { SessionLogFile } from './services/logging/logFile';
import { legacyDataMoves } from './shared/domain/platformPaths';
import { createLogger } from './services/logging/logger';
import { Redactor } from './services/logging/redact';
import { guardProcess, onProcessProblem } from './services/logging/crashGuard';
import { createSafeStorageSealer, createSafeStorageSecrets } from './platform/safeStorageSecrets';
import { createElectronStore } from './platform/electronStore';
import { createElectronDialogs } from './platform/electronDialogs';
import { createElectronClipboard } from './platform/electronClipboard';
import { isTrustedSender } from './services/shell/appOrigin';
import { createMainWindow, lockDownSession, originPolicy, registerAppScheme } from './window';

/** Electron lifecycle only: services come from createAppServices, shared with `edgedeck serve`. */
const redactor = new Redactor();
// Logs in the OS's log folder, the same one serve and the CLI use (app.getPath('logs') then points there).
app.setAppLogsPath(sessionLogFolder({ ...currentPlatform(), home: app.getPath('home') }));
const logFile = SessionLogFile.tryOpen({ dir: app.getPath('logs'), scope: 'main' }, (why) => process.stderr.write(`edgedeck: ${why}\n`));
const logger = createLogger({ scope: 'main', redactor, ...(logFile ? { file: logFile } : {}) });
// An error escaping a callback is logged and shown in the window; Electron main keeps running.
guardProcess({ logger, redact: (t) => redactor.redact(t) });
let services: AppServices | undefined;
let mainWindow: BrowserWindow | undefined;

// Must happen before the app is ready: the renderer's own origin, app://edgedeck (window.ts).
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.whenReady().then(start).catch((err: unknown) => {
    logger.error('Edgedeck failed to start', err);
    app.exit(1);
  });
}

/** Only our own top frame may call main (services/shell/appOrigin.ts); anything else (an injected frame) is refused. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender({ frameUrl: frame?.url, topFrame: frame?.parent === null, fromMainWindow: event.sender === mainWindow?.webContents }, originPolicy);
}

async function start(): Promise<void> {
  lockDownSession();
  // One data folder with serve and the CLI (shared/domain/platformPaths.ts); the old userData layout moves in once.
  const ctx = { ...currentPlatform(), home: app.getPath('home') };
  const { dir: dataDir, messages } = prepareDataFolder({ ctx, moves: legacyDataMoves(ctx, app.getPath('userData')) });
  for (const m of messages) logger.warn(`data folder: ${m}`);
  const store = createElectronStore(dataDir);
  services = await createAppServices({
    dataDir,
    store,
    secrets: createSafeStorageSecrets(store),
    sealer: createSafeStorageSealer(),
    redactor,
    transport: 'ipc',
    version: app.getVersion(),
    logger,
    embeddedServer: true,
    dialogs: createElectronDialogs(),
    writeClipboard: createElectronClipboard(),
    logFolder: app.getPath('logs'),
    showFolder: async (folder) => {
      const failure = await shell.openPath(folder);
      if (failure) throw new Error(failure);
    },
  });
  const dispatcher = services.dispatcher;
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, payload: unknown) => {
    if (!trustedSender(event)) return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted from the Edgedeck window only.' } };
    return dispatcher.invoke(String(channel), payload);
  });
  const hub = services.hub;
  onProcessProblem((p) => hub.emit('app:problem', p));
  services.hub.attach((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, event, payload);
  });
  mainWindow = createMainWindow();
  mainWindow.on('closed', () => (mainWindow = undefined));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !services) return;
  event.preventDefault();
  quitting = true;
  void services.close().finally(() => app.quit());
});
