import path from 'node:path';
import { app, BrowserWindow } from 'electron';
import { EVENT_CHANNEL } from '@contract';
import { createRadioLabelService } from '../core/api';
import { appRootFrom, defaultDataDir } from '../core/paths';
import { APP_VERSION } from '../core/version';
import { handleAppProtocol, registerAppSchemePrivileges } from './app-protocol';
import { denyAllPermissions } from './guards';
import { bindIpc } from './ipc';
import { nativeDialogs } from './native-dialogs';
import { mainWindowOptions, RENDERER_ORIGIN } from './window-options';

// Composition root: open the service, bind it to IPC and the app:// protocol, then show one window.
registerAppSchemePrivileges();

async function start(): Promise<void> {
  await app.whenReady();
  const root = appRootFrom(import.meta.dirname);
  const dataDir = process.env.RADIOLABEL_DATA_DIR ? defaultDataDir() : path.join(app.getPath('userData'));
  let window: BrowserWindow | null = null;
  const service = createRadioLabelService({
    dataDir,
    mode: 'electron',
    version: APP_VERSION,
    appRoot: root,
    dialogs: nativeDialogs(() => (window && !window.isDestroyed() ? window : null)),
  });

  denyAllPermissions();
  handleAppProtocol(path.join(root, 'out', 'renderer'), service);
  const unbind = bindIpc(service);

  const win = new BrowserWindow(
    mainWindowOptions(path.join(root, 'out', 'preload', 'index.cjs'), { packaged: app.isPackaged }),
  );
  window = win;
  const unsubscribe = service.events.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${RENDERER_ORIGIN}/index.html`);

  app.on('window-all-closed', () => {
    unsubscribe();
    unbind();
    void service.dispose().finally(() => app.quit());
  });
}

start().catch((e: unknown) => {
  console.error(`RadioLabel failed to start: ${(e as Error).stack ?? String(e)}`);
  app.exit(1);
});
