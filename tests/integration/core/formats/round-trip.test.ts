import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Geometry } from '@contract';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import type { ExportFormat, SegmentationMode } from '../../../../src-main/core/formats/export-types';
import { importAnnotations, type ImportFormat } from '../../../../src-main/core/formats/import-annotations';
import { geometryToMask } from '../../../../src-main/core/formats/shapes';
import { sampleProject, tempDir, type MemoryProject } from '../../../unit/core/formats/memory-project';

/** label + pixels of every region annotation, sorted: equal lists mean pixel-exact round trips. */
function rasterSignature(
  p: MemoryProject,
  kinds: readonly Geometry['kind'][] = ['box', 'polygon', 'mask'],
): string[] {
  const out: string[] = [];
  for (const img of p.imageList) {
    for (const a of p.annotations.get(img.id) ?? []) {
      if (!kinds.includes(a.geometry.kind)) continue;
      const label = p.labelList.find((l) => l.id === a.labelId)!.name;
      const mask = geometryToMask(a.geometry, img.widthPx, img.heightPx)!;
      out.push(
        `${img.fileName}|${label}|${a.iscrowd === true ? 'crowd' : 'single'}|${Buffer.from(mask).toString('base64')}`,
      );
    }
  }
  return out.sort();
}

function kindsOf(p: MemoryProject): string[] {
  return [...p.annotations.values()]
    .flat()
    .map((a) => a.geometry.kind)
    .sort();
}

describe('export → import round trips', () => {
  let dir: string;
  let project: MemoryProject;
  beforeAll(async () => {
    dir = await tempDir();
    project = await sampleProject(path.join(dir, 'project'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function roundTrip(
    format: ExportFormat,
    importFormat: ImportFormat,
    segmentation: SegmentationMode,
    importPath: (out: string) => string,
  ): Promise<{
    target: MemoryProject;
    again: Awaited<ReturnType<typeof importAnnotations>>;
    first: Awaited<ReturnType<typeof importAnnotations>>;
  }> {
    const out = path.join(dir, `${format}-${segmentation}`);
    await exportDataset(project, { format, outDir: out, segmentation });
    const target = project.emptyCopy();
    const first = await importAnnotations(target, { format: importFormat, path: importPath(out) });
    const again = await importAnnotations(target, { format: importFormat, path: importPath(out) });
    return { target, first, again };
  }

  it('COCO with RLE keeps every region pixel-exact, iscrowd included, and re-import adds nothing', async () => {
    const { target, first, again } = await roundTrip('coco', 'coco', 'rle', (o) =>
      path.join(o, 'annotations/instances_train.json'),
    );
    expect(first.errors).toEqual([]);
    expect(first.unmatched).toEqual([]);
    expect(first.matchedImages).toBe(3);
    expect(first.imported).toBe(7);
    expect(rasterSignature(target)).toEqual(rasterSignature(project));
    expect(again.imported).toBe(0);
    expect(again.duplicates).toBe(7);
    expect(kindsOf(target)).toEqual(['box', 'box', 'mask', 'mask', 'mask', 'mask', 'mask']);
  });

  it('COCO auto keeps boxes and simple polygons as vectors and all pixels exact', async () => {
    const { target, first } = await roundTrip('coco', 'coco', 'auto', (o) =>
      path.join(o, 'annotations/instances_train.json'),
    );
    expect(first.errors).toEqual([]);
    expect(rasterSignature(target)).toEqual(rasterSignature(project));
    expect(kindsOf(target)).toEqual(['box', 'box', 'mask', 'mask', 'mask', 'polygon', 'polygon']);
    const triangle = [...target.annotations.values()]
      .flat()
      .find((a) => a.geometry.kind === 'polygon' && a.geometry.rings[0]!.length === 6);
    expect(triangle?.geometry).toEqual({ kind: 'polygon', rings: [[10, 2, 18, 2, 14, 9]] });
  });

  it('labelme keeps boxes, polygons, points and masks (pixel-exact), and holes through masks', async () => {
    const { target, first, again } = await roundTrip('labelme', 'labelme', 'auto', (o) => o);
    expect(first.errors).toEqual([]);
    expect(first.imported).toBe(8);
    // labelme has no crowd flag: compare pixels without it
    const strip = (s: string[]): string[] => s.map((x) => x.replace('|crowd|', '|single|')).sort();
    expect(strip(rasterSignature(target))).toEqual(strip(rasterSignature(project)));
    const point = [...target.annotations.values()].flat().find((a) => a.geometry.kind === 'point');
    expect(point?.geometry).toEqual({ kind: 'point', x: 15.5, y: 4.25 });
    expect(again.imported).toBe(0);
  });

  it('YOLO segment keeps outer rings to 6 decimals and names from data.yaml', async () => {
    const { target, first } = await roundTrip('yolo-seg', 'yolo', 'auto', (o) => o);
    expect(first.errors).toEqual([]);
    expect(first.matchedImages).toBe(3);
    expect(target.labelList.map((l) => l.name)).toEqual(['cat', 'dog']);
    const tri = target.annotations
      .get(1)!
      .find((a) => a.geometry.kind === 'polygon' && a.geometry.rings[0]!.length === 6)!;
    expect(tri.geometry).toEqual({ kind: 'polygon', rings: [[10, 2, 18, 2, 14, 9]] });
    // The ring mask lost its hole: its import is the filled 5×4 outer ring.
    const imported = target.annotations.get(1)!.filter((a) => a.geometry.kind === 'polygon');
    expect(imported.map((a) => (a.geometry.kind === 'polygon' ? a.geometry.rings[0] : []))).toContainEqual([
      7, 2, 7, 6, 2, 6, 2, 2,
    ]);
  });

  it('YOLO detect gives back every box', async () => {
    const { target, first } = await roundTrip('yolo-detect', 'yolo', 'auto', (o) =>
      path.join(o, 'data.yaml'),
    );
    expect(first.errors).toEqual([]);
    const boxes = target.annotations.get(1)!.map((a) => a.geometry);
    expect(boxes[0]).toEqual({ kind: 'box', x: 2, y: 3, widthPx: 5, heightPx: 4 });
    expect(kindsOf(target).every((k) => k === 'box')).toBe(true);
    expect(kindsOf(target)).toHaveLength(7);
  });
});
