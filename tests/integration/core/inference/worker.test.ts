import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInferenceEngine,
  InferenceAbortedError,
  InferenceClient,
  UnknownProviderError,
  WorkerCrashedError,
} from '../../../../src-main/core/inference';
import type { FeedTensor } from '../../../../src-main/core/inference';

const encoder = path.resolve(import.meta.dirname, '../../../../models/starter/encoder.onnx');
const feeds = (px = 64): Record<string, FeedTensor> => ({
  pixel_values: { type: 'float32', dims: [1, 3, px, px], data: new Float32Array(3 * px * px).fill(0.5) },
});

let client: InferenceClient | undefined;
afterEach(async () => {
  await client?.dispose();
  client = undefined;
});

describe('InferenceClient (real worker, real onnxruntime-node)', () => {
  it('runs a model and transfers the feed buffers', async () => {
    client = new InferenceClient({ provider: 'cpu' });
    const f = feeds();
    const out = await client.run(encoder, f, ['summary', 'text_dense']);
    expect(out.summary!.dims).toEqual([1, 24]);
    expect(out.text_dense!.dims).toEqual([1, 16, 11]);
    expect(f.pixel_values!.data.length).toBe(0); // detached: it crossed as a transferred buffer
  });

  it('fails the caller with WorkerCrashedError when the worker dies, then restarts it', async () => {
    const crashes: string[] = [];
    client = new InferenceClient({ provider: 'cpu', onCrash: (e) => crashes.push(e.message) });
    await client.run(encoder, feeds(), ['summary']);
    await expect(client.crashWorkerForTest()).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(crashes[0]).toMatch(/^inference worker exited with code 3; it will be restarted/);
    const out = await client.run(encoder, feeds(), ['summary']);
    expect(out.summary!.dims).toEqual([1, 24]);
    expect(client.crashCount).toBe(1);
  });

  it('cancels queued requests and lets the newest request of a lane win', async () => {
    client = new InferenceClient({ provider: 'cpu' });
    const first = client.run(encoder, feeds(256), ['summary']);
    const ac = new AbortController();
    const aborted = client.run(encoder, feeds(), ['summary'], { signal: ac.signal });
    const older = client.run(encoder, feeds(), ['summary'], { lane: 'decode' });
    const newest = client.run(encoder, feeds(), ['summary'], { lane: 'decode' });
    ac.abort();
    await expect(aborted).rejects.toBeInstanceOf(InferenceAbortedError);
    await expect(older).rejects.toThrow('superseded by a newer "decode" request');
    expect((await first).summary!.dims).toEqual([1, 24]);
    expect((await newest).summary!.dims).toEqual([1, 24]);
  });

  it('fails the caller (no hang) when the worker cannot start at all', async () => {
    client = new InferenceClient({
      provider: 'cpu',
      workerEntry: { kind: 'file', url: new URL('file:///nonexistent/inference.worker.js') },
    });
    await expect(client.run(encoder, feeds(), ['summary'])).rejects.toThrow(
      /inference\.worker\.js|inference worker/,
    );
  });

  it('reports an error from the model instead of hanging', async () => {
    client = new InferenceClient({ provider: 'cpu' });
    await expect(client.run(encoder, { wrong_name: feeds().pixel_values! }, ['summary'])).rejects.toThrow(
      /pixel_values|wrong_name/,
    );
    await expect(client.run('/no/such/model.onnx', feeds(), ['summary'])).rejects.toThrow(/model\.onnx/);
  });
});

describe('execution provider selection', () => {
  it('reports a fallback with its reason, never silently', async () => {
    const engine = createInferenceEngine({
      dataDir: '/nonexistent',
      provider: process.platform === 'win32' ? 'coreml' : 'dml',
    });
    try {
      expect(engine.provider.active).toBe('cpu');
      expect(engine.provider.fallbackReason).toMatch(/needs (Windows|macOS)/);
    } finally {
      await engine.dispose();
    }
  });

  it('rejects an unknown provider naming the setting', () => {
    expect(() => createInferenceEngine({ dataDir: '/x', provider: 'tpu' as never })).toThrow(
      UnknownProviderError,
    );
    expect(() => createInferenceEngine({ dataDir: '/x', provider: 'tpu' as never })).toThrow(
      'provider: unknown execution provider "tpu" (expected one of cpu, cuda, dml, coreml)',
    );
  });
});
