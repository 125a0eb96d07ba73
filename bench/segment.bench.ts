import { type DenseGrid, type PixelPatchMapping } from '../src-main/core/embedding-types';
import { segmentByClicks } from '../src-main/core/segment/click-similarity';
import { maskToPolygons } from '../src-main/core/segment/contours';
import { instanceToJson } from '../src-main/core/segment/instances';
import { decodeRle, encodeMask } from '../src-main/core/segment/rle';
import { segmentWithDecoder } from '../src-main/core/segment/sam-decoder';
import { segmentText } from '../src-main/core/segment/text-prompt';
import { type RgbImage } from '../src-main/core/segment/upsample';
import {
  TINY_DECODER_IO,
  buildTinyDecoder,
  tinyDecoderRunner,
} from '../tests/fixtures/segment/tiny-sam-decoder';
import { measure, percentile, type BenchRow, type Measured } from './bench-kit';
import { samDecoderRows } from './sam-decoder-rows';

/**
 * Segmentation hot paths on synthetic data: a 1024² image with a 64×64×1536 grid (RADIO-sized), a
 * SAM-sized decoder I/O (256×64×64 in, 3×256×256 out), contours of a 1024² mask, RLE of a 4096² mask.
 */
const SIDE = 1024;
const G = 64;
const D = 1536;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface BenchScene {
  image: RgbImage;
  grid: DenseGrid;
  mapping: PixelPatchMapping;
  classVecs: Float32Array[];
  mask: Uint8Array;
}

/** Three classes (background + 2 object kinds); discs and rings, features = class vector + noise. */
function makeBenchScene(): BenchScene {
  const r = rng(11);
  const classVecs = [0, 1, 2].map(() => Float32Array.from({ length: D }, () => r() * 2 - 1));
  const classOf = new Uint8Array(SIDE * SIDE);
  const blobs = [
    { x: 250, y: 260, ro: 170, ri: 60, k: 1 },
    { x: 720, y: 300, ro: 140, ri: 0, k: 2 },
    { x: 520, y: 760, ro: 200, ri: 80, k: 1 },
    { x: 850, y: 820, ro: 90, ri: 0, k: 1 },
  ];
  const image = new Uint8Array(SIDE * SIDE * 3);
  const colours = [
    [110, 110, 100],
    [210, 40, 35],
    [40, 80, 200],
  ];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let k = 0;
      for (const b of blobs) {
        const d = Math.hypot(x - b.x, y - b.y);
        if (d < b.ro && d >= b.ri) k = b.k;
      }
      classOf[y * SIDE + x] = k;
      const tex = k === 0 ? 30 * Math.sin(x * 0.3) * Math.cos(y * 0.2) : 0;
      for (let c = 0; c < 3; c++)
        image[(y * SIDE + x) * 3 + c] = Math.max(0, Math.min(255, colours[k]![c]! + tex + (r() - 0.5) * 20));
    }
  }
  const data = new Float32Array(G * G * D);
  const cell = SIDE / G;
  const frac = new Float32Array(3);
  for (let gy = 0; gy < G; gy++) {
    for (let gx = 0; gx < G; gx++) {
      frac.fill(0);
      for (let y = gy * cell; y < (gy + 1) * cell; y += 2)
        for (let x = gx * cell; x < (gx + 1) * cell; x += 2) frac[classOf[y * SIDE + x]!]! += 1;
      const n = frac[0]! + frac[1]! + frac[2]!;
      const base = (gy * G + gx) * D;
      for (let d = 0; d < D; d++) {
        data[base + d] =
          (frac[0]! * classVecs[0]![d]! + frac[1]! * classVecs[1]![d]! + frac[2]! * classVecs[2]![d]!) / n +
          (r() - 0.5) * 0.4;
      }
    }
  }
  const mask = classOf.map((k) => (k === 1 ? 1 : 0));
  return {
    image: { data: image, widthPx: SIDE, heightPx: SIDE },
    grid: { data, gridW: G, gridH: G, dims: D },
    mapping: {
      imageWidthPx: SIDE,
      imageHeightPx: SIDE,
      inputWidthPx: SIDE,
      inputHeightPx: SIDE,
      patchPx: 16,
    },
    classVecs,
    mask,
  };
}

const p50 = (ms: number[]) => percentile(ms, 50);

export default async function segmentBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const s = makeBenchScene();
  // Min wall time and median CPU time are reported too: on a shared, loaded machine they are better
  // estimates of the uncontended cost than the median wall time.
  const add = (c: string, m: Measured, note?: string) =>
    rows.push({
      bench: 'segment',
      case: c,
      value: p50(m.wallMs),
      unit: 'ms p50',
      note: `min ${Math.min(...m.wallMs).toFixed(1)} ms, cpu p50 ${p50(m.cpuMs).toFixed(1)} ms${note ? `; ${note}` : ''}`,
    });
  const bg = new Float32Array(D);
  for (const v of s.classVecs) for (let d = 0; d < D; d++) bg[d]! += v[d]! / 3;
  const textInput = { textDense: s.grid, mapping: s.mapping, image: s.image, background: bg };
  const prompts = [{ label: 'red', embedding: s.classVecs[1]! }];
  let nInst = 0;
  add(
    'text → instances, 1024², 64×64×1536, refine on',
    await measure(() => (nInst = segmentText({ ...textInput, prompts }).instances.length), 15),
    `target ≤ 15 ms; ${nInst} instances`,
  );
  add(
    'text → instances, refine off',
    await measure(() => segmentText({ ...textInput, prompts }, { refine: false }), 15),
  );
  add(
    'text → instances, 3 prompts + background',
    await measure(
      () =>
        segmentText({
          ...textInput,
          prompts: s.classVecs.map((e, k) => ({ label: String(k), embedding: e })),
        }),
      10,
    ),
  );
  const clickInput = { features: s.grid, mapping: s.mapping, image: s.image };
  add(
    'click → mask, similarity path',
    await measure(
      () => segmentByClicks({ ...clickInput, clicks: [{ xPx: 250, yPx: 120, positive: true }] }),
      15,
    ),
    'target ≤ 20 ms',
  );
  add(
    'click + negative click, similarity path',
    await measure(
      () =>
        segmentByClicks({
          ...clickInput,
          clicks: [
            { xPx: 250, yPx: 120, positive: true },
            { xPx: 520, yPx: 600, positive: false },
          ],
        }),
      15,
    ),
  );

  // Decoder path: a generated decoder with SAM's I/O sizes (ONNX compute is trivial: this is our overhead + ORT).
  const sam: DenseGrid = { data: s.grid.data.subarray(0, G * G * 256), gridW: G, gridH: G, dims: 256 };
  const runner = await tinyDecoderRunner(
    buildTinyDecoder(
      G,
      G,
      {
        wc: [
          [0, 0, 0],
          [0, 0, 0],
        ],
        wl: [0, 0, 0],
        bias: [0.9, 0.5, 0.1],
      },
      256,
    ),
  );
  try {
    const io = { ...TINY_DECODER_IO, input_size: 1024 };
    add(
      'click → mask, decoder path (SAM-sized I/O, trivial graph)',
      await measure(
        () =>
          segmentWithDecoder(runner.run, io, {
            samFeatures: sam,
            mapping: s.mapping,
            clicks: [{ xPx: 250, yPx: 120, positive: true }],
          }),
        15,
      ),
      'excludes the real decoder compute',
    );
  } finally {
    await runner.release();
  }
  await samDecoderRows(measure, add);

  add(
    'contours + simplify (1 px), 1024² mask',
    await measure(() => maskToPolygons(s.mask, SIDE, SIDE, { tolerancePx: 1 }), 10),
  );
  add(
    'contours exact (tolerance 0), 1024² mask',
    await measure(() => maskToPolygons(s.mask, SIDE, SIDE), 10),
  );
  const inst = {
    label: 'x',
    score: 1,
    areaPx: 0,
    bbox: [0, 0, 0, 0] as [number, number, number, number],
    mask: s.mask,
  };
  add('instance → JSON (RLE + polygons), 1024²', await measure(() => instanceToJson(inst, SIDE, SIDE), 10));

  const big = new Uint8Array(4096 * 4096);
  for (let y = 0; y < 4096; y++) {
    const row = y * 4096;
    for (let x = 0; x < 4096; x++) {
      const dx = x - 2048;
      const dy = y - 2048;
      const d = dx * dx + dy * dy;
      if ((d < 1500 ** 2 && d > 600 ** 2) || (x > 300 && x < 900 && y > 200 && y < 3800)) big[row + x] = 1;
    }
  }
  let rle = encodeMask(big, 4096, 4096);
  add(
    'RLE encode, 4096² mask',
    await measure(() => (rle = encodeMask(big, 4096, 4096)), 5),
    `${rle.counts.length} chars`,
  );
  add('RLE decode, 4096² mask', await measure(() => decodeRle(rle), 5));
  return rows;
}
