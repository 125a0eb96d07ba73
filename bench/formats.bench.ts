import { spawnSync } from 'node:child_process';
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
import { seededRandom } from '../src-main/core/random';
import { bigCocoProject, child, type ChildFigures, writeBigCoco } from './formats/big-coco';

const W = 640;
const H = 480;
const IMAGES = 5_000;
const PER_IMAGE = 20; // 100,000 annotations: half polygons, half masks

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
  const rand = seededRandom(1);
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
    supercategory: '',
    categoryId: null,
    attributes: [],
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
        iscrowd: false,
        attributes: {},
        groupId: null,
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
    declareLabel: (decl) =>
      Promise.resolve({ id: labels.find((l) => l.name === decl.name)?.id ?? asLabelId(99), attributes: [] }),
    declareAttributes: () => Promise.resolve([]),
    maxGroupId: () => Promise.resolve(0),
    addAnnotations: (anns) => Promise.resolve({ added: anns.length, duplicates: 0 }),
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

/** Python's json.load of the same file (the baseline most COCO tools start from), with its peak RSS. */
function pythonJsonLoad(file: string): ChildFigures | string {
  const script =
    'import json,resource,sys,time\n' +
    't=time.perf_counter();c=time.process_time();d=json.load(open(sys.argv[1]))\n' +
    'print(json.dumps({"wallMs":round((time.perf_counter()-t)*1000),"cpuMs":round((time.process_time()-c)*1000),' +
    '"peakRssMiB":round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024),"annotations":len(d["annotations"])}))';
  const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) return `python3 failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim()) as ChildFigures;
}

/**
 * COCO import of a file of FORMATS_BENCH_COCO_MB MiB (default 1024) in COCO's own member order
 * (categories after the annotations): read + validate only, then the whole import into a SQLite
 * project, each in a child process whose peak RSS is its own; Python's json.load as the baseline.
 */
async function bigCocoRows(dir: string): Promise<BenchRow[]> {
  const mib = Number(process.env.FORMATS_BENCH_COCO_MB ?? 1024);
  const file = path.join(dir, 'big.json');
  const made = await writeBigCoco(file, mib * 2 ** 20);
  const bytes = (await fs.stat(file)).size;
  const note = `${(bytes / 2 ** 20).toFixed(0)} MiB, ${made.images} images, ${made.annotations} annotations`;
  const rows: BenchRow[] = [];
  const push = (what: string, f: ChildFigures | string, extra = ''): void => {
    if (typeof f === 'string') {
      rows.push({ bench: 'formats', case: `${what}`, value: Number.NaN, unit: '', note: f });
      return;
    }
    rows.push({
      bench: 'formats',
      case: `${what}: wall`,
      value: f.wallMs,
      unit: 'ms',
      note: `${note}${extra}`,
    });
    rows.push({ bench: 'formats', case: `${what}: CPU`, value: f.cpuMs, unit: 'ms' });
    rows.push({ bench: 'formats', case: `${what}: peak RSS`, value: f.peakRssMiB, unit: 'MiB' });
  };
  const baseline = pythonJsonLoad(file);
  push('COCO big file, python3 json.load (baseline)', baseline);
  const read = child(['read', file]);
  push(
    'COCO big file, our streaming read + validation (no DB)',
    read,
    `; ${String(read.annotations)} annotations read`,
  );
  const projectDir = path.join(dir, 'project');
  bigCocoProject(projectDir, made.images);
  const imported = child(['import', projectDir, file]);
  push(
    'COCO big file, our import into a SQLite project',
    imported,
    `; ${String(imported.imported)} imported, ${String(imported.errors)} errors`,
  );
  if (typeof baseline !== 'string') {
    rows.push({
      bench: 'formats',
      case: 'COCO big file: read time / json.load time',
      value: read.wallMs / baseline.wallMs,
      unit: '×',
    });
    rows.push({
      bench: 'formats',
      case: 'COCO big file: import time / json.load time',
      value: imported.wallMs / baseline.wallMs,
      unit: '×',
    });
  }
  return rows;
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
    if (process.env.FORMATS_BENCH_COCO_MB !== '0') rows.push(...(await bigCocoRows(dir)));
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
