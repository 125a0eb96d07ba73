/**
 * The one inference worker: owns every onnxruntime-node session (lazy, one per model file) so that
 * model loading and encoder passes never block the main thread.
 */
import * as ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import type { GraphInfo, GraphValueInfo } from '../models/graph-check';
import { fromHalf } from './half';
import type { FeedTensor, OutputTensor, WorkerInit, WorkerRequest, WorkerResponse } from './protocol';
import { initialProviderReport, type ProviderReport } from './providers';

const port = parentPort;
if (!port) throw new Error('inference.worker must run inside worker_threads');
const init = workerData as WorkerInit;
let provider: ProviderReport = initialProviderReport(init.provider);
const sessions = new Map<string, Promise<ort.InferenceSession>>();

async function createSession(modelPath: string): Promise<ort.InferenceSession> {
  const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  if (provider.active !== 'cpu') {
    try {
      return await ort.InferenceSession.create(modelPath, { ...base, executionProviders: [provider.active] });
    } catch (e) {
      provider = {
        requested: provider.requested,
        active: 'cpu',
        fallbackReason: `${provider.active} failed to load ${modelPath}: ${(e as Error).message}`,
      };
    }
  }
  return ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cpu'] });
}

function session(modelPath: string): Promise<ort.InferenceSession> {
  let s = sessions.get(modelPath);
  if (!s) {
    s = createSession(modelPath);
    // A failed load must not be memoised: the user may fix the file and retry.
    s.catch(() => sessions.delete(modelPath));
    sessions.set(modelPath, s);
  }
  return s;
}

function describe(s: ort.InferenceSession): GraphInfo {
  const info = (m: ort.InferenceSession.ValueMetadata): GraphValueInfo =>
    m.isTensor
      ? { name: m.name, type: m.type, rank: m.shape.length > 0 ? m.shape.length : undefined }
      : { name: m.name };
  return { inputs: s.inputMetadata.map(info), outputs: s.outputMetadata.map(info) };
}

function toOrt(t: FeedTensor): ort.Tensor {
  switch (t.type) {
    case 'float32':
      return new ort.Tensor('float32', t.data, t.dims);
    case 'int64':
      return new ort.Tensor('int64', t.data, t.dims);
  }
}

function fromOrt(name: string, t: ort.OnnxValue): OutputTensor {
  const dims = [...t.dims];
  if (t.type === 'float32') {
    const d = t.data as Float32Array;
    // Copy when the output is a view into a bigger buffer, so that the transfer moves only this tensor.
    return { dims, data: d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? d : d.slice() };
  }
  if (t.type === 'float16') return { dims, data: fromHalf(t.data as Uint16Array) };
  throw new Error(`output "${name}" has type ${t.type}; only float32/float16 outputs are supported`);
}

async function handle(req: WorkerRequest): Promise<{ res: WorkerResponse; transfer: ArrayBuffer[] }> {
  switch (req.kind) {
    case 'run': {
      const s = await session(req.modelPath);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(req.feeds)) feeds[name] = toOrt(t);
      const results = await s.run(feeds, req.outputNames);
      const outputs: Record<string, OutputTensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const name of req.outputNames) {
        const v = results[name];
        if (!v) throw new Error(`model ${req.modelPath} returned no output "${name}"`);
        const out = fromOrt(name, v);
        outputs[name] = out;
        transfer.push(out.data.buffer as ArrayBuffer);
      }
      return { res: { kind: 'result', id: req.id, outputs, provider }, transfer: [...new Set(transfer)] };
    }
    case 'describe': {
      const s = await session(req.modelPath);
      return { res: { kind: 'described', id: req.id, info: describe(s), provider }, transfer: [] };
    }
    case 'release': {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map(async (p) => (await p).release()));
      return { res: { kind: 'released', id: req.id }, transfer: [] };
    }
    case 'crash':
      process.exit(3);
  }
}

port.on('message', (req: WorkerRequest) => {
  handle(req).then(
    ({ res, transfer }) => port.postMessage(res, transfer),
    (e: unknown) =>
      port.postMessage({
        kind: 'error',
        id: req.id,
        message: e instanceof Error ? e.message : String(e),
      } satisfies WorkerResponse),
  );
});
