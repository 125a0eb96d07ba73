import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Geometry, asAnnotationId, asImageId, asLabelId, type ImageId } from '@contract';
import { exportDataset } from '../src-main/core/formats/export-dataset';
import type { SegmentationMode } from '../src-main/core/formats/export-types';
import { importAnnotations } from '../src-main/core/formats/import-annotations';
import type {
  ExportAnnotation,
  ExportImage,
  ExportLabel,
  ExportSource,
  ImportSink,
  ProjectImageRef,
} from '../src-main/core/formats/source';
import { polygonsToMask } from '../src-main/core/segment/contours';
import { encodeMask } from '../src-main/core/segment/rle';
import type { BenchRow } from './bench-kit';

const W = 640;
const H = 480;
const IMAGES = 5_000;
const PER_IMAGE = 20; // 100,000 annotations: half polygons, half masks

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function star(rand: () => number, cx: number, cy: number, r: number, n: number): number[] {
  const ring: number[] = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    const rr = r * (0.6 + 0.4 * rand());
    ring.push(Math.round((cx + rr * Math.cos(a)) * 10) / 10, Math.round((cy + rr * Math.sin(a)) * 10) / 10);
  }
  return ring;
}

/** A synthetic project: geometry objects are shared between images, as a DB reader would decode them. */
function syntheticSource(): ExportSource & ImportSink {
  const rand = rng(1);
  const polygons: Geometry[] = [];
  const masks: Geometry[] = [];
  for (let i = 0; i < 64; i++) {
    const cx = 60 + rand() * (W - 120);
    const cy = 60 + rand() * (H - 120);
    polygons.push({
      kind: 'polygon',
      rings: [star(rand, cx, cy, 20 + rand() * 40, 8 + Math.floor(rand() * 16))],
    });
    const rings = [star(rand, cx, cy, 30 + rand() * 30, 24)];
    if (i % 3 === 1) rings.push(star(rand, cx, cy, 10, 12)); // hole
    if (i % 3 === 2) rings.push(star(rand, W - cx, H - cy, 15, 12)); // second part
    masks.push({ kind: 'mask', rle: encodeMask(polygonsToMask(rings, W, H), W, H) });
  }
  const labels: ExportLabel[] = ['cat', 'dog', 'car', 'tree'].map((name, i) => ({
    id: asLabelId(i + 1),
    name,
    color: '#888888',
  }));
  const images: ExportImage[] = Array.from({ length: IMAGES }, (_, i) => ({
    id: asImageId(i + 1),
    fileName: `img_${String(i).padStart(6, '0')}.jpg`,
    relativePath: `images/img_${String(i).padStart(6, '0')}.jpg`,
    absolutePath: `/nonexistent/img_${String(i).padStart(6, '0')}.jpg`,
    widthPx: W,
    heightPx: H,
    status: 'done',
    sha256: null,
  }));
  const annotationsOf = (imageId: ImageId): Promise<readonly ExportAnnotation[]> => {
    const out: ExportAnnotation[] = [];
    for (let k = 0; k < PER_IMAGE; k++) {
      const n = (imageId * 31 + k * 7) % 64;
      out.push({
        id: asAnnotationId(imageId * PER_IMAGE + k),
        labelId: asLabelId((k % 4) + 1),
        geometry: k % 2 === 0 ? polygons[n]! : masks[n]!,
        score: null,
        source: 'manual',
      });
    }
    return Promise.resolve(out);
  };
  return {
    labels: () => Promise.resolve(labels),
    async *imagePages(_filter, pageSize) {
      for (let i = 0; i < images.length; i += pageSize) {
        await Promise.resolve();
        yield images.slice(i, i + pageSize);
      }
    },
    annotationsOf,
    images: (): Iterable<ProjectImageRef> => images,
    ensureLabel: (name) => Promise.resolve(labels.find((l) => l.name === name)?.id ?? asLabelId(99)),
    existingAnnotations: () => Promise.resolve([]),
    addAnnotations: () => Promise.resolve(),
  };
}

/**
 * Runs fn while sampling RSS every 20 ms; returns [wall ms, peak RSS MiB, result, CPU ms]. CPU time
 * (user + system) is reported too because the shared bench machines are often heavily loaded.
 */
async function measured<T>(fn: () => Promise<T>): Promise<[number, number, T, number]> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const out = await fn();
    const cpu = process.cpuUsage(cpu0);
    return [
      performance.now() - t0,
      Math.max(peak, process.memoryUsage().rss) / 2 ** 20,
      out,
      (cpu.user + cpu.system) / 1000,
    ];
  } finally {
    clearInterval(timer);
  }
}

export default async function formatsBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const source = syntheticSource();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rl-formats-bench-'));
  const note = `${IMAGES} images ${W}×${H}, ${IMAGES * PER_IMAGE} annotations (half polygons, half masks; a third of the masks with holes, a third in two parts)`;
  try {
    const baseRss = process.memoryUsage().rss / 2 ** 20;
    rows.push({ bench: 'formats', case: 'RSS before export', value: Math.round(baseRss), unit: 'MiB' });
    for (const mode of (process.env.FORMATS_BENCH_MODES?.split(',') ?? [
      'auto',
      'rle',
      'polygon',
    ]) as SegmentationMode[]) {
      const out = path.join(dir, `coco-${mode}`);
      const [ms, peak, result, cpuMs] = await measured(() =>
        exportDataset(source, { format: 'coco', outDir: out, segmentation: mode, imageFiles: 'reference' }),
      );
      const bytes = (await fs.stat(path.join(out, 'annotations/instances_train.json'))).size;
      rows.push({
        bench: 'formats',
        case: `COCO export 100k annotations (${mode})`,
        value: Math.round(ms),
        unit: 'ms',
        note,
      });
      rows.push({
        bench: 'formats',
        case: `COCO export CPU time (${mode})`,
        value: Math.round(cpuMs),
        unit: 'ms',
      });
      rows.push({
        bench: 'formats',
        case: `COCO export peak RSS (${mode})`,
        value: Math.round(peak),
        unit: 'MiB',
        note: `${result.annotations} annotations, file ${(bytes / 2 ** 20).toFixed(1)} MiB`,
      });
    }
    const file = path.join(dir, 'coco-auto/annotations/instances_train.json');
    const [ms, peak, result, cpuMs] = await measured(() =>
      importAnnotations(source, { format: 'coco', path: file }),
    );
    rows.push({
      bench: 'formats',
      case: 'COCO import of the same file (auto)',
      value: Math.round(ms),
      unit: 'ms',
      note: `${result.imported} imported, ${result.matchedImages} images matched, ${result.errors.length} errors; parse + match + validate, sink discards`,
    });
    rows.push({ bench: 'formats', case: 'COCO import CPU time', value: Math.round(cpuMs), unit: 'ms' });
    rows.push({ bench: 'formats', case: 'COCO import peak RSS', value: Math.round(peak), unit: 'MiB' });
    rows.push({
      bench: 'formats',
      case: 'process max RSS (whole bench)',
      value: Math.round(process.resourceUsage().maxRSS / 1024),
      unit: 'MiB',
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return rows;
}

// Run directly: `npx tsx bench/formats.bench.ts`
if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  formatsBench().then(
    (rows) => console.table(rows),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
