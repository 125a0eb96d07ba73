import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asImageId } from '@contract';
import { closeProjectDb, openProjectDb, PROJECT_DB_FILE } from '../src-main/core/db/open-db';
import { Project } from '../src-main/core/project';
import { tinyPng, writeBuffer } from '../tests/fixtures/images/make-images';
import { percentile, type BenchRow } from './bench-kit';

/**
 * Project store figures: import throughput, opening a 100k-image project, one sorted+filtered page of
 * 200 rows, and a 2.5 MB embedding read. RADIOLABEL_BENCH_IMPORT_N shrinks the import (default 10,000).
 */
export default async function storeBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const root = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-bench-store-'));
  try {
    rows.push(await importThroughput(root));
    rows.push(...bigProject(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function importThroughput(root: string): Promise<BenchRow> {
  const n = Number(process.env.RADIOLABEL_BENCH_IMPORT_N ?? 10_000);
  const folder = path.join(root, 'pngs');
  for (let i = 0; i < n; i++) writeBuffer(path.join(folder, String(i % 100)), `img-${i}.png`, tinyPng(i, 16));
  const project = Project.create(path.join(root, 'import'));
  try {
    const t0 = performance.now();
    const result = await project.importImages([folder]);
    const seconds = (performance.now() - t0) / 1000;
    return {
      bench: 'store',
      case: `import ${n} small PNGs`,
      value: Math.round(result.report.added / seconds),
      unit: 'images/s',
      note: `${result.report.added} added in ${seconds.toFixed(2)} s`,
    };
  } finally {
    project.close();
  }
}

function bigProject(root: string): BenchRow[] {
  const dir = path.join(root, 'big');
  const count = 100_000;
  const seed = Project.create(dir);
  const statuses = ['new', 'in_progress', 'done', 'review'] as const;
  const label = seed.labels.create({ name: 'thing' });
  seed.close();
  // Raw inserts on a connection of the bench's own: 100k rows through the repositories would take minutes.
  const db = openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: false });
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO images (path, name, sha256, format, bytes, width, height, status, added_at)
       VALUES (?, ?, ?, 'png', 1000, 640, 480, ?, ?)`,
    );
    const ann = db.prepare(
      `INSERT INTO annotations (image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision)
       VALUES (?, ?, 'box', '{"kind":"box","x":1,"y":1,"widthPx":5,"heightPx":5}', NULL, 'manual', 0, 0, 0)`,
    );
    for (let i = 1; i <= count; i++) {
      const name = `frame-${((i * 7919) % count).toString().padStart(6, '0')}.png`;
      insert.run(`images/${name}`, name, i.toString(16).padStart(64, '0'), statuses[i % 4], i);
      if (i % 3 === 0) ann.run(i, label.id);
    }
  })();
  closeProjectDb(db);

  const t0 = performance.now();
  const project = Project.open(dir);
  const firstPage = project.images.list({ sort: 'added', limit: 200 });
  const openMs = performance.now() - t0;
  const out: BenchRow[] = [
    {
      bench: 'store',
      case: 'open 100k-image project + first page',
      value: round(openMs),
      unit: 'ms',
      note: `${firstPage.total} rows`,
    },
  ];
  try {
    const page = (q: Parameters<typeof project.images.list>[0]) => () => project.images.list(q);
    const cases: [string, () => unknown][] = [
      ['page 200, status=done, sort=name', page({ status: 'done', sort: 'name', limit: 200, offset: 2000 })],
      ['page 200, name contains "12", sort=name', page({ nameContains: '12', sort: 'name', limit: 200 })],
      [
        'page 200, label filter, sort=added',
        page({ labelId: label.id, sort: 'added', limit: 200, offset: 5000 }),
      ],
    ];
    for (const [name, fn] of cases) {
      const samples = syncRuns(fn, 30);
      out.push({
        bench: 'store',
        case: name,
        value: round(percentile(samples, 50)),
        unit: 'ms p50',
        note: `p95 ${round(percentile(samples, 95))} ms`,
      });
    }
    const values = new Uint16Array(32 * 32 * 1280).map((_, i) => i & 0x3bff);
    const key = { imageId: asImageId(1), modelId: 'bench', resolution: '512x512' };
    project.embeddings.put(key, {
      mapping: { imageWidthPx: 512, imageHeightPx: 512, inputWidthPx: 512, inputHeightPx: 512, patchPx: 16 },
      tensors: { features: { dims: [32, 32, 1280], data: values } },
    });
    const read = syncRuns(() => project.embeddings.get(key), 30);
    out.push({
      bench: 'store',
      case: `embedding read ${(values.byteLength / 1e6).toFixed(2)} MB`,
      value: round(percentile(read, 50)),
      unit: 'ms p50',
      note: `p95 ${round(percentile(read, 95))} ms`,
    });
  } finally {
    project.close();
  }
  return out;
}

function syncRuns(fn: () => unknown, n: number): number[] {
  for (let i = 0; i < 3; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;
