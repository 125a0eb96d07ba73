import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import type { ExportFormat, ExportOptions } from '../../../../src-main/core/formats/export-types';
import { walkFiles } from '../../../../src-main/core/formats/files';
import { decodeSimplePng } from '../../../../src-main/core/formats/png';
import { sampleProject, tempDir, type MemoryProject } from './memory-project';

const GOLDEN_DIR = path.resolve(__dirname, '../../../fixtures/formats/golden');
const NOW = new Date('2026-01-02T03:04:05.000Z');

/** A readable snapshot of an export folder: every file's path and text (PNGs as index art). */
async function snapshot(outDir: string): Promise<string> {
  const files = await walkFiles(outDir, ['']);
  const parts: string[] = [];
  for (const f of files) {
    const rel = path.relative(outDir, f).split(path.sep).join('/');
    const isAnnotationPng = /^Segmentation(Class|Object)\//.test(rel);
    if (/\.(jpg|png)$/.test(rel) && !isAnnotationPng) {
      parts.push(`=== ${rel} (image)`);
      continue;
    }
    if (isAnnotationPng) {
      const png = decodeSimplePng(await fs.readFile(f));
      const rows: string[] = [];
      for (let y = 0; y < png.heightPx; y++) {
        rows.push(
          Array.from(png.pixels.subarray(y * png.widthPx, (y + 1) * png.widthPx), (v) =>
            v === 0 ? '.' : v === 255 ? 'V' : v.toString(36),
          ).join(''),
        );
      }
      parts.push(
        `=== ${rel} (indexed ${png.widthPx}x${png.heightPx}, palette ${png.palette?.length ?? 0} bytes)\n${rows.join('\n')}`,
      );
      continue;
    }
    const text = (await fs.readFile(f, 'utf8')).split(outDir).join('<OUT>');
    parts.push(`=== ${rel}\n${text}`);
  }
  return parts.join('\n');
}

async function checkGolden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN_DIR, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    await fs.mkdir(GOLDEN_DIR, { recursive: true });
    await fs.writeFile(file, actual);
  }
  expect(actual).toBe(await fs.readFile(file, 'utf8'));
}

describe('golden exports of the sample project', () => {
  let dir: string;
  let project: MemoryProject;
  beforeAll(async () => {
    dir = await tempDir();
    project = await sampleProject(path.join(dir, 'project'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const cases: [string, ExportFormat, Partial<ExportOptions>][] = [
    ['coco-auto', 'coco', { segmentation: 'auto' }],
    ['coco-polygon', 'coco', { segmentation: 'polygon' }],
    ['coco-rle-split', 'coco', { segmentation: 'rle', split: { train: 0.5, val: 0.5 }, seed: 7 }],
    ['yolo-detect', 'yolo-detect', {}],
    ['yolo-seg', 'yolo-seg', { split: { train: 0.5, val: 0.5 }, seed: 7 }],
    ['yolo-obb', 'yolo-obb', {}],
    ['coco-no-box-segmentation', 'coco', { boxSegmentation: 'none' }],
    ['cvat', 'cvat', {}],
    ['voc', 'voc', {}],
    ['labelme', 'labelme', {}],
  ];
  for (const [name, format, extra] of cases) {
    it(`${name} matches its golden file`, async () => {
      const out = path.join(dir, name);
      const result = await exportDataset(project, { format, outDir: out, now: NOW, ...extra });
      const summary = `=== (result) images=${result.images} annotations=${result.annotations}\n${result.warnings.join('\n')}\n`;
      await checkGolden(name, summary + (await snapshot(out)));
    });
  }
});
