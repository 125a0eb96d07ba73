import path from 'node:path';
import { createRadioLabelService } from '../core/api';
import { appRootFrom, defaultDataDir } from '../core/paths';
import { APP_VERSION } from '../core/version';
import { startBrowserServer } from './browser-server';

/** `npm run serve`: browser mode on 127.0.0.1 with a fresh token, printed as one URL. */
async function main(): Promise<void> {
  const dataDir = defaultDataDir();
  const appRoot = appRootFrom(import.meta.dirname);
  const service = createRadioLabelService({ dataDir, mode: 'browser', version: APP_VERSION, appRoot });
  const rendererDir = path.join(appRoot, 'out', 'renderer');
  const portArg = process.env.RADIOLABEL_PORT ? Number(process.env.RADIOLABEL_PORT) : 0;
  const server = await startBrowserServer({ service, rendererDir, port: portArg });
  console.log(`RadioLabel (browser mode) is running at ${server.url}`);
  const stop = (): void => {
    void server
      .close()
      .then(() => service.dispose())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`radiolabel serve: ${(e as Error).message}`);
  process.exit(1);
});
