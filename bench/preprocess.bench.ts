import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { resizeBicubicLikePil, type RgbImage } from '../src-main/core/inference/pil-bicubic';
import { chooseInputSize, preprocessImageFile } from '../src-main/core/inference/preprocess';
import { parseManifest } from '../src-main/core/models/manifest';
import { percentile, timeRuns, type BenchRow } from './bench-kit';

/**
 * `npm run bench -- preprocess`: a 4000×3000 photo to RADIO's 512 short side (688×512), our PIL-exact
 * bicubic vs sharp's cubic (libvips, the resize it replaced; multi-threaded) vs Pillow itself
 * (Debian python3-pil, same machine, same run), then the whole preprocess of a JPEG.
 */
const BENCH = 'preprocess';
const W = 4000;
const H = 3000;
const RUNS = 5;

function photoLike(): RgbImage {
  // Smooth gradients plus deterministic texture: no run of equal bytes for any codec to shortcut.
  const data = new Uint8Array(W * H * 3);
  let s = 12345;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = (s >>> 24) & 31;
      const i = (y * W + x) * 3;
      data[i] = ((x * 255) / W + n) & 255;
      data[i + 1] = ((y * 255) / H + n) & 255;
      data[i + 2] = (((x + y) * 128) / (W + H) + 2 * n) & 255;
    }
  return { widthPx: W, heightPx: H, data };
}

const PIL_SCRIPT = `
import sys, time
from PIL import Image
raw, w, h, ow, oh, runs = sys.argv[1], *map(int, sys.argv[2:7])
im = Image.frombytes("RGB", (w, h), open(raw, "rb").read())
im.resize((ow, oh), Image.BICUBIC)
times = []
for _ in range(runs):
    t0 = time.perf_counter(); im.resize((ow, oh), Image.BICUBIC); times.append((time.perf_counter() - t0) * 1000)
times.sort(); print(times[len(times) // 2])
`;

/** Pillow's p50 in ms, or undefined (with why) where no Python with PIL is installed. */
function pillowMs(rawFile: string, outW: number, outH: number): { ms?: number; why?: string } {
  for (const bin of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(
      bin,
      ['-c', PIL_SCRIPT, rawFile, String(W), String(H), String(outW), String(outH), String(RUNS)],
      { encoding: 'utf8' },
    );
    if (r.status === 0) return { ms: Number(r.stdout.trim()) };
  }
  return { why: 'no python3 with PIL (apt-get install python3-pil)' };
}

export default async function bench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rl-bench-pre-'));
  try {
    const src = photoLike();
    const policy = { kind: 'short_side', short_side: 512, step: 16, max: 2048 } as const;
    const { widthPx: ow, heightPx: oh } = chooseInputSize(W, H, policy);
    const size = `${W}×${H} → ${ow}×${oh}`;

    const ours = percentile(await timeRuns(() => resizeBicubicLikePil(src, ow, oh), RUNS, 1), 50);
    const viaSharp = percentile(
      await timeRuns(
        () =>
          sharp(src.data, { raw: { width: W, height: H, channels: 3 } })
            .resize(ow, oh, { kernel: 'cubic', fit: 'fill' })
            .raw()
            .toBuffer(),
        RUNS,
        1,
      ),
      50,
    );
    const rawFile = path.join(dir, 'photo.rgb');
    writeFileSync(rawFile, src.data);
    const pil = pillowMs(rawFile, ow, oh);

    // Whole preprocess of a JPEG (decode + resize + float layout) at a short-side policy.
    const jpeg = path.join(dir, 'photo.jpg');
    await sharp(src.data, { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(jpeg);
    const manifest = parseManifest(
      {
        format_version: 1,
        id: 'bench',
        name: 'bench',
        license: 'n/a',
        source_url: 'n/a',
        encoder: {
          file: 'encoder.onnx',
          sha256: '0'.repeat(64),
          input: { name: 'pixel_values', normalized_in_graph: true },
          patch_size: 16,
          resolution: policy,
          outputs: { summary: { name: 'summary' }, features: { name: 'features' } },
        },
      },
      'bench',
    );
    const whole = percentile(await timeRuns(() => preprocessImageFile(jpeg, manifest), RUNS, 1), 50);
    // What preprocessing did before: one sharp pipeline (decode with shrink-on-load + cubic resize).
    const before = percentile(
      await timeRuns(
        () =>
          sharp(jpeg)
            .autoOrient()
            .removeAlpha()
            .toColourspace('srgb')
            .resize(ow, oh, { kernel: 'cubic', fit: 'fill' })
            .raw()
            .toBuffer(),
        RUNS,
        1,
      ),
      50,
    );

    const rows: BenchRow[] = [
      {
        bench: BENCH,
        case: `PIL-exact bicubic (ours, 1 thread) ${size}`,
        value: ours,
        unit: 'ms',
        note: 'p50',
      },
      {
        bench: BENCH,
        case: `sharp cubic (libvips, ${os.availableParallelism()} threads) ${size}`,
        value: viaSharp,
        unit: 'ms',
        note: `p50; ours/sharp ${(ours / viaSharp).toFixed(2)}×`,
      },
    ];
    if (pil.ms !== undefined) {
      rows.push({
        bench: BENCH,
        case: `Pillow Image.resize BICUBIC ${size}`,
        value: pil.ms,
        unit: 'ms',
        note: `p50; ours/Pillow ${(ours / pil.ms).toFixed(2)}×`,
      });
    } else {
      rows.push({ bench: BENCH, case: 'Pillow', value: Number.NaN, unit: 'ms', note: pil.why ?? '' });
    }
    rows.push({
      bench: BENCH,
      case: `preprocessImageFile, ${W}×${H} JPEG → ${ow}×${oh} float32`,
      value: whole,
      unit: 'ms',
      note: 'p50; decode + resize + layout',
    });
    rows.push({
      bench: BENCH,
      case: `before: one sharp pipeline, same JPEG → ${ow}×${oh} bytes`,
      value: before,
      unit: 'ms',
      note: `p50; off PIL's grid; now/before ${(whole / before).toFixed(2)}×`,
    });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
