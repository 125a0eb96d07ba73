/**
 * The soak's server process: browser mode (the fastify server on 127.0.0.1, API only) over a data dir of
 * its own, with the starter model. Prints one JSON line, { origin, token }, once it listens; the driver
 * kills it with SIGKILL and starts it again. Run as: node --import tsx bench/soak/soak-server.ts <dataDir>
 */
import path from 'node:path';
import { createRadioLabelService } from '../../src-main/core/api';
import { startBrowserServer } from '../../src-main/server/browser-server';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: soak-server.ts <dataDir>');
const service = createRadioLabelService({
  dataDir,
  mode: 'browser',
  version: 'soak',
  appRoot: path.resolve(import.meta.dirname, '../..'),
});
const server = await startBrowserServer({ service });
process.stdout.write(`${JSON.stringify({ origin: server.origin, token: server.token })}\n`);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => service.dispose())
    .finally(() => process.exit(0));
});
