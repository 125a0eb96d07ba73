/**
 * Mask ↔ polygon conversion off the main thread: a canvas of hundreds of megapixels takes seconds and
 * gigabytes, and must never stall the other requests (or freeze the Electron app).
 */
import { parentPort } from 'node:worker_threads';
import { toApiError } from '../errors';
import { convertGeometry } from './geometry-convert';
import { type GeometryReply, type GeometryRequest } from './geometry-pool';

const port = parentPort;
if (!port) throw new Error('geometry.worker must run inside worker_threads');

port.on('message', (req: GeometryRequest) => {
  let reply: GeometryReply;
  try {
    const geometry = convertGeometry(req.geometry, req.target, req.tolerancePx, req.widthPx, req.heightPx);
    reply = { id: req.id, ok: true, geometry };
  } catch (e) {
    reply = { id: req.id, ok: false, error: toApiError(e) };
  }
  port.postMessage(reply);
});
