import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import sharp from 'sharp';
import { writeRealShapeBundle } from '../models/tools/real-shape-bundle';
import { buildVitB } from '../models/tools/vit-graph';
import { createInferenceEngine } from '../src-main/core/inference';
import { Project } from '../src-main/core/project';
import { percentile, timeRuns, type BenchRow } from './bench-kit';

const BENCH = 'inference';
const starterEncoder = path.resolve(import.meta.dirname, '../models/starter/encoder.onnx');

function randomInput(dims: readonly number[]): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}

/** p50 latency of one model on onnxruntime-node and onnxruntime-web (wasm, same process), plus the ratio. */
async function nodeVsWasm(
  name: string,
  model: Uint8Array,
  dims: [number, number, number, number],
  runs: { node: number; wasm: number },
): Promise<BenchRow[]> {
  const input = randomInput(dims);
  const node = await ortNode.InferenceSession.create(model);
  const nodeMs = await timeRuns(
    () => node.run({ pixel_values: new ortNode.Tensor('float32', input, dims) }),
    runs.node,
    1,
  );
  await node.release();
  const web = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const webMs = await timeRuns(
    () => web.run({ pixel_values: new ortWeb.Tensor('float32', input, dims) }),
    runs.wasm,
    1,
  );
  await web.release();
  const n50 = percentile(nodeMs, 50);
  const w50 = percentile(webMs, 50);
  const threads = String(ortWeb.env.wasm.numThreads ?? 'default');
  return [
    {
      bench: BENCH,
      case: `${name} encoder, onnxruntime-node p50`,
      value: n50,
      unit: 'ms',
      note: `${runs.node} runs`,
    },
    {
      bench: BENCH,
      case: `${name} encoder, onnxruntime-web wasm p50`,
      value: w50,
      unit: 'ms',
      note: `${runs.wasm} runs, wasm threads ${threads}`,
    },
    {
      bench: BENCH,
      case: `${name} encoder, node speed-up over wasm`,
      value: w50 / n50,
      unit: '×',
      note: 'target ≥ 2×',
    },
  ];
}

async function cacheAndText(tmp: string): Promise<BenchRow[]> {
  const bundles = path.join(tmp, 'bundles');
  writeRealShapeBundle(path.join(bundles, 'real-shape'));
  const project = Project.create(path.join(tmp, 'project'));
  const files: string[] = [];
  for (let i = 0; i < 6; i++) {
    const file = path.join(tmp, `photo-${i}.jpg`);
    await sharp({
      create: { width: 1024, height: 768, channels: 3, background: { r: 120 + i * 10, g: 90, b: 60 } },
    })
      .jpeg()
      .toFile(file);
    files.push(file);
  }
  await project.importImages(files);
  const images = project.images
    .pageAfter(0, 10)
    .map((r) => ({ id: r.id, file: path.resolve(project.dir, r.path) }));
  const image = images[0]!.file;
  const engine = createInferenceEngine({ dataDir: tmp, modelDirs: [bundles], cache: project.embeddings });
  try {
    let next = 0;
    const miss = await timeRuns(
      () => {
        const im = images[next++]!;
        return engine.embedImageFile(im.file, 'real-shape', {
          cacheKey: { imageId: im.id, modelId: 'real-shape', resolution: 'default' },
        });
      },
      5,
      1,
    );
    const key = { imageId: images[0]!.id, modelId: 'real-shape', resolution: 'default' };
    const hit = await timeRuns(() => engine.embedImageFile(image, 'real-shape', { cacheKey: key }), 10, 1);
    let word = 0;
    const cold = await timeRuns(() => engine.embedTexts('real-shape', [`label number ${word++}`]), 10, 1);
    const cached = await timeRuns(() => engine.embedTexts('real-shape', ['label number 0']), 50, 1);
    const note =
      'RADIO-shaped bundle (1024 patches: 768-d features, 1152-d text_dense, 256-d SAM), SQLite cache, fp16';
    return [
      {
        bench: BENCH,
        case: 'embedImageFile cache miss p50 (decode + encoder + fp16 + SQLite put)',
        value: percentile(miss, 50),
        unit: 'ms',
        note,
      },
      {
        bench: BENCH,
        case: 'embedImageFile cache hit p50 (SQLite get + fp16 decode)',
        value: percentile(hit, 50),
        unit: 'ms',
        note,
      },
      {
        bench: BENCH,
        case: 'cache miss / hit',
        value: percentile(miss, 50) / percentile(hit, 50),
        unit: '×',
      },
      {
        bench: BENCH,
        case: 'embedTexts cold p50 (tokenise + 64-token tower × 2 templates)',
        value: percentile(cold, 50),
        unit: 'ms',
      },
      { bench: BENCH, case: 'embedTexts cached p50', value: percentile(cached, 50), unit: 'ms' },
    ];
  } finally {
    await engine.dispose();
    project.close();
  }
}

export default async function inferenceBench(): Promise<BenchRow[]> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-bench-inference-'));
  try {
    const rows: BenchRow[] = [];
    rows.push(
      ...(await nodeVsWasm('starter 688×512', readFileSync(starterEncoder), [1, 3, 512, 688], {
        node: 10,
        wasm: 10,
      })),
    );
    const vit = buildVitB();
    writeFileSync(path.join(tmp, 'vit-b.onnx'), vit); // generated at bench time, never committed
    rows.push(
      ...(await nodeVsWasm('ViT-B/16 512² (1024 tokens, 12 blocks)', vit, [1, 3, 512, 512], {
        node: 3,
        wasm: 2,
      })),
    );
    rows.push(...(await cacheAndText(tmp)));
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
