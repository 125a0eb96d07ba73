import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/core/project';
import { radiolabel } from '../../fixtures/cli/radiolabel';
import { encodeMask } from '../../../src-main/core/segment/rle';
import { maskFromArt, tempDir } from '../../unit/core/formats/memory-project';

async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; out: unknown; err: string }> {
  const run = await radiolabel(dataDir, argv);
  return { code: run.code, out: run.json ?? null, err: run.stderr };
}

async function writePng(file: string, w: number, h: number, shade: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: shade, g: 10, b: 20 } } })
    .png()
    .toFile(file);
}

describe('formats on a real project (SQLite) through the CLI', () => {
  let dir: string;
  let dataDir: string;
  let projectDir: string;
  beforeAll(async () => {
    dir = await tempDir();
    dataDir = path.join(dir, 'data');
    projectDir = path.join(dir, 'project');
    await writePng(path.join(projectDir, 'photos/a.png'), 20, 16, 1);
    await writePng(path.join(projectDir, 'photos/b.png'), 20, 16, 2);
    const project = Project.create(projectDir);
    try {
      await project.importImages([path.join(projectDir, 'photos')]);
      const cat = project.labels.create({ name: 'cat' }).id;
      const dog = project.labels.create({ name: 'dog' }).id;
      const [a, b] = project.images.pageAfter(0, 10);
      const ring = maskFromArt([
        '....................',
        '..#####.............',
        '..#...#.............',
        '..#####.............',
        ...Array<string>(12).fill('....................'),
      ]);
      project.annotations.applyPatch(
        a!.id,
        {
          added: [
            {
              clientId: '1',
              labelId: cat,
              geometry: { kind: 'box', x: 1, y: 2, widthPx: 5, heightPx: 6 },
              score: null,
              source: 'manual',
            },
            {
              clientId: '2',
              labelId: dog,
              geometry: { kind: 'mask', rle: encodeMask(ring.mask, 20, 16) },
              score: 0.9,
              source: 'click',
            },
          ],
        },
        0,
      );
      project.annotations.applyPatch(
        b!.id,
        {
          added: [
            {
              clientId: '1',
              labelId: dog,
              geometry: { kind: 'polygon', rings: [[2, 2, 12, 2, 7, 10]] },
              score: null,
              source: 'manual',
            },
          ],
        },
        0,
      );
      project.images.setStatus(a!.id, 'done');
    } finally {
      project.close();
    }
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('exports all five formats from the CLI', async () => {
    for (const format of ['coco', 'yolo-detect', 'yolo-seg', 'voc', 'labelme']) {
      const out = path.join(dir, 'out', format);
      const r = await cli(
        dataDir,
        'export',
        projectDir,
        '--format',
        format,
        '--out',
        out,
        '--split',
        'train=0.5,val=0.5',
        '--seed',
        '3',
      );
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatchObject({ outDir: out, images: 2, annotations: 3 });
    }
    const coco = JSON.parse(
      await fs.readFile(path.join(dir, 'out/coco/annotations/instances_train.json'), 'utf8'),
    ) as {
      images: unknown[];
    };
    expect(coco.images).toHaveLength(1);
    const done = await cli(
      dataDir,
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(dir, 'out/done'),
      '--images',
      'done',
    );
    expect(done.out).toMatchObject({ images: 1, annotations: 2 });
  });

  it('rejects bad flags with a usage error', async () => {
    const r = await cli(dataDir, 'export', projectDir, '--format', 'pascal', '--out', path.join(dir, 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      '--format: Invalid option: expected one of "coco"|"yolo-detect"|"yolo-seg"|"yolo-obb"|"voc"|"labelme"|"cvat" (got "pascal")',
    );
    const s = await cli(
      dataDir,
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(dir, 'x'),
      '--split',
      'train=x',
    );
    expect(s.code).toBe(2);
  });

  it('imports COCO, YOLO and labelme into a fresh project, and a second import adds nothing', async () => {
    const target = path.join(dir, 'target');
    await writePng(path.join(target, 'imgs/a.png'), 20, 16, 1);
    await writePng(path.join(target, 'imgs/b.png'), 20, 16, 2);
    const p = Project.create(target);
    try {
      await p.importImages([path.join(target, 'imgs')]);
    } finally {
      p.close();
    }
    const coco = path.join(dir, 'out/coco/annotations/instances_train.json');
    const first = await cli(dataDir, 'import-annotations', target, '--format', 'coco', coco);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatchObject({ matchedImages: 1, unmatched: [], errors: [] });
    const again = await cli(dataDir, 'import-annotations', target, '--format', 'coco', coco);
    expect(again.out).toMatchObject({ imported: 0, matchedImages: 1 });

    const lm = await cli(
      dataDir,
      'import-annotations',
      target,
      '--format',
      'labelme',
      path.join(dir, 'out/labelme'),
    );
    expect(lm.out).toMatchObject({ matchedImages: 2, errors: [] });
    const yolo = await cli(
      dataDir,
      'import-annotations',
      target,
      '--format',
      'yolo',
      path.join(dir, 'out/yolo-seg'),
    );
    expect(yolo.out).toMatchObject({ matchedImages: 2, errors: [] });
    const p2 = Project.open(target);
    try {
      const labels = p2.labels.list().map((l) => l.name);
      expect(labels).toEqual(['cat', 'dog']);
      const all = p2.images.pageAfter(0, 10).flatMap((img) => p2.annotations.list(img.id).items);
      expect(all.every((a) => a.source === 'imported')).toBe(true);
      // Every import adds only what is not there yet: the same box or mask from another format is a duplicate.
      const n = (r: { out: unknown }): number => (r.out as { imported: number }).imported;
      expect(all.length).toBe(n(first) + n(lm) + n(yolo));
      expect((lm.out as { duplicates: number }).duplicates).toBeGreaterThan(0);
      const ringMask = all.find((a) => a.geometry.kind === 'mask');
      expect(ringMask).toBeDefined();
    } finally {
      p2.close();
    }
  });

  it('reports a missing project as an error', async () => {
    const r = await cli(dataDir, 'import-annotations', path.join(dir, 'nope'), '--format', 'coco', 'x.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^radiolabel import-annotations: /);
  });
});
