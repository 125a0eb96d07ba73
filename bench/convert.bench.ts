import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildVitB } from '../models/tools/vit-graph';
import { seededRandom } from '../src-main/core/random';
import { cosine, relError } from '../tests/fixtures/radio/compare';
import { VIT_B_RADIO, writeSyntheticRadio } from '../tests/fixtures/radio/synthetic-radio';
import { percentile, timeRuns, type BenchRow } from './bench-kit';

/**
 * `npm run bench -- convert`: the TypeScript converter on a ViT-B-sized RADIO checkpoint in the official
 * HF layout (fp16 backbone, 2048-px CPE grid, SigLIP2-g and SAM heads; generated once into bench/.cache).
 * Conversion time and peak RSS per weight dtype (child processes), encoder time at 512² of each against
 * the same-size graph from models/tools/vit-graph.ts, and fp16/int8 parity against fp32.
 */
const BENCH = 'convert';
const PX = 512;
const RUNS = 5;
const cache = path.join(import.meta.dirname, '.cache', 'convert');
const tsx = path.join(
  path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
  'dist',
  'cli.mjs',
);

function input(): Float32Array {
  const r = seededRandom(3);
  return Float32Array.from({ length: 3 * PX * PX }, () => r());
}

/**
 * p50 of each model and the p50 of per-round ratios against `base`, running the models in turn within
 * each round: this machine is shared, so only interleaved runs compare fairly.
 */
async function interleaved(
  models: Record<string, string | Uint8Array>,
  x: Float32Array,
): Promise<{
  p50: Record<string, number>;
  ratio: (a: string, b: string) => number;
  out: Record<string, Record<string, Float32Array>>;
}> {
  const sessions: Record<string, ort.InferenceSession> = {};
  for (const [k, m] of Object.entries(models)) {
    sessions[k] =
      typeof m === 'string' ? await ort.InferenceSession.create(m) : await ort.InferenceSession.create(m);
  }
  const feeds = { pixel_values: new ort.Tensor('float32', x, [1, 3, PX, PX]) };
  const out: Record<string, Record<string, Float32Array>> = {};
  const ms: Record<string, number[]> = {};
  for (const [k, s] of Object.entries(sessions)) {
    const r = await s.run(feeds); // warm-up, and the outputs for the parity rows
    out[k] = Object.fromEntries(Object.entries(r).map(([n, v]) => [n, v.data as Float32Array]));
    ms[k] = [];
  }
  for (let round = 0; round < RUNS; round++) {
    for (const [k, s] of Object.entries(sessions))
      ms[k]!.push((await timeRuns(() => s.run(feeds), 1, 0))[0]!);
  }
  for (const s of Object.values(sessions)) await s.release();
  return {
    p50: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, percentile(v, 50)])),
    ratio: (a, b) =>
      percentile(
        ms[a]!.map((v, i) => v / ms[b]![i]!),
        50,
      ),
    out,
  };
}

export default async function convertBench(): Promise<BenchRow[]> {
  const ckpt = path.join(cache, 'vit-b-ckpt');
  const stamp = path.join(ckpt, 'options.json');
  const options = JSON.stringify(VIT_B_RADIO);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== options) {
    rmSync(ckpt, { recursive: true, force: true });
    writeSyntheticRadio(ckpt, VIT_B_RADIO);
    writeFileSync(stamp, options);
  }
  const weightBytes = statSync(path.join(ckpt, 'model.safetensors')).size;
  const rows: BenchRow[] = [
    {
      bench: BENCH,
      case: 'checkpoint size (model.safetensors)',
      value: weightBytes / 2 ** 20,
      unit: 'MiB',
      note: 'ViT-B/16, fp16 backbone, fp32 heads',
    },
  ];
  const x = input();
  const bundles: Record<string, string> = {};
  for (const dtype of ['fp32', 'fp16', 'int8'] as const) {
    const out = path.join(cache, `bundle-${dtype}`);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(path.dirname(out), { recursive: true });
    const line = execFileSync(
      process.execPath,
      [tsx, path.join(import.meta.dirname, 'convert-child.ts'), ckpt, out, dtype, String(PX)],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(line.trim().split('\n').pop()!) as { ms: number; maxRssBytes: number };
    const dataBytes = statSync(path.join(out, 'encoder.onnx.data')).size;
    rows.push(
      {
        bench: BENCH,
        case: `convert ${dtype}: time`,
        value: r.ms / 1000,
        unit: 's',
        note: `encoder.onnx.data ${(dataBytes / 2 ** 20).toFixed(0)} MiB`,
      },
      {
        bench: BENCH,
        case: `convert ${dtype}: peak RSS`,
        value: r.maxRssBytes / 2 ** 20,
        unit: 'MiB',
        note: 'child process maxRSS',
      },
      {
        bench: BENCH,
        case: `convert ${dtype}: peak RSS / weights`,
        value: r.maxRssBytes / weightBytes,
        unit: '×',
        note: 'target < 1.5×',
      },
    );
    bundles[dtype] = path.join(out, 'encoder.onnx');
  }
  // The backbone alone (no adaptor heads): the like-for-like peer of vit-graph.ts.
  const backbone = path.join(cache, 'bundle-fp32-backbone');
  rmSync(backbone, { recursive: true, force: true });
  execFileSync(process.execPath, [
    tsx,
    path.join(import.meta.dirname, 'convert-child.ts'),
    ckpt,
    backbone,
    'fp32',
    String(PX),
    'none',
  ]);
  bundles.backbone = path.join(backbone, 'encoder.onnx');
  const { p50, ratio, out: outputs } = await interleaved({ ...bundles, vit: buildVitB({ inputPx: PX }) }, x);
  const note = `${RUNS} interleaved runs, onnxruntime-node CPU`;
  rows.push(
    { bench: BENCH, case: `encoder fp32 ${PX}² p50`, value: p50.fp32!, unit: 'ms', note },
    { bench: BENCH, case: `encoder fp16 ${PX}² p50`, value: p50.fp16!, unit: 'ms', note },
    { bench: BENCH, case: `encoder int8 ${PX}² p50`, value: p50.int8!, unit: 'ms', note },
    {
      bench: BENCH,
      case: `models/tools/vit-graph.ts ViT-B ${PX}² p50`,
      value: p50.vit!,
      unit: 'ms',
      note: 'same-size peer graph, no heads',
    },
    { bench: BENCH, case: `encoder fp32 backbone only ${PX}² p50`, value: p50.backbone!, unit: 'ms', note },
    {
      bench: BENCH,
      case: 'backbone only / vit-graph (paired)',
      value: ratio('backbone', 'vit'),
      unit: '×',
      note: 'like for like (+8 prefix tokens, biases, LayerScale): ~1 expected',
    },
    {
      bench: BENCH,
      case: 'with heads / vit-graph (paired)',
      value: ratio('fp32', 'vit'),
      unit: '×',
      note: 'adds the SigLIP2-g (1536) and SAM (1280) heads on every patch',
    },
    {
      bench: BENCH,
      case: 'encoder int8 speed-up over fp32 (paired)',
      value: 1 / ratio('int8', 'fp32'),
      unit: '×',
    },
    {
      bench: BENCH,
      case: 'encoder fp16 speed-up over fp32 (paired)',
      value: 1 / ratio('fp16', 'fp32'),
      unit: '×',
      note: 'fp16 is storage only: cast once at load',
    },
  );
  for (const dtype of ['fp16', 'int8'] as const) {
    for (const name of ['summary', 'features', 'text_dense', 'text_summary', 'sam_features']) {
      const got = outputs[dtype]![name]!;
      const want = outputs.fp32![name]!;
      const c = { cos: cosine(got, want), rel: relError(got, want) };
      rows.push({
        bench: BENCH,
        case: `${dtype} vs fp32 ${name}`,
        value: 1 - c.cos,
        unit: '1 − cosine',
        note: `max rel error ${c.rel.toExponential(2)}`,
      });
    }
  }
  return rows;
}
