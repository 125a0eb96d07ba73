import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import type { ProgressEvent } from '../../../../src-main/core/formats/source';
import { assignSplits } from '../../../../src-main/core/formats/split';
import { MemoryProject, sampleProject, tempDir } from './memory-project';

let dir: string;
let project: MemoryProject;
beforeAll(async () => {
  dir = await tempDir();
  project = await sampleProject(path.join(dir, 'project'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const listDir = async (d: string): Promise<string[]> => (await fs.readdir(d)).sort();

describe('exportDataset mechanics', () => {
  it('writes into a hidden partial folder and renames it only at the end', async () => {
    const out = path.join(dir, 'atomic', 'coco');
    const seen: { phase: string; outExists: boolean; siblings: string[] }[] = [];
    const onProgress = (e: ProgressEvent): void => {
      // Synchronous peek: the final folder must not exist before the rename.
      const siblings = readdirSync(path.dirname(out));
      seen.push({ phase: e.phase, outExists: siblings.includes('coco'), siblings });
    };
    const result = await exportDataset(project, { format: 'coco', outDir: out, onProgress });
    expect(result.outDir).toBe(out);
    const finalize = seen.find((s) => s.phase === 'finalize')!;
    expect(finalize.outExists).toBe(false);
    expect(finalize.siblings).toHaveLength(1);
    expect(finalize.siblings[0]).toMatch(/^\.coco\.partial-\d+-[0-9a-f]{8}$/);
    expect(seen.some((s) => s.phase === 'images')).toBe(true);
    expect(await listDir(path.dirname(out))).toEqual(['coco']);
    expect(await listDir(out)).toEqual(['annotations', 'images']);
  });

  it('leaves nothing behind when the source fails midway or the export is cancelled', async () => {
    const parent = path.join(dir, 'failing');
    const failing = Object.create(project) as MemoryProject;
    let calls = 0;
    failing.annotationsOf = (id) => {
      if (++calls === 2) return Promise.reject(new Error('disk on fire'));
      return project.annotationsOf(id);
    };
    await expect(exportDataset(failing, { format: 'voc', outDir: path.join(parent, 'voc') })).rejects.toThrow(
      'disk on fire',
    );
    expect(await listDir(parent)).toEqual([]);

    const controller = new AbortController();
    const run = exportDataset(project, {
      format: 'labelme',
      outDir: path.join(parent, 'lm'),
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'scan') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(await listDir(parent)).toEqual([]);
  });

  it('exports into an existing empty folder', async () => {
    const out = path.join(dir, 'empty-out');
    await fs.mkdir(out, { recursive: true });
    const r = await exportDataset(project, { format: 'yolo-detect', outDir: out });
    expect(r.images).toBe(3);
    expect(await listDir(out)).toEqual(['data.yaml', 'images', 'labels']);
  });

  it('cleans up partial folders left by killed exports of the same target', async () => {
    const parent = path.join(dir, 'stale');
    const stale = path.join(parent, '.ds.partial-2147483646-deadbeef');
    await fs.mkdir(path.join(stale, 'annotations'), { recursive: true });
    await fs.mkdir(path.join(parent, '.other.partial-2147483646-deadbeef'), { recursive: true });
    await exportDataset(project, { format: 'coco', outDir: path.join(parent, 'ds') });
    expect(await listDir(parent)).toEqual(['.other.partial-2147483646-deadbeef', 'ds']);
  });

  it('refuses a non-empty output folder and YOLO/VOC without image files', async () => {
    const busy = path.join(dir, 'busy');
    await fs.mkdir(busy, { recursive: true });
    await fs.writeFile(path.join(busy, 'keep.txt'), 'x');
    await expect(exportDataset(project, { format: 'coco', outDir: busy })).rejects.toThrow(
      `output folder is not empty: ${busy}`,
    );
    await expect(
      exportDataset(project, {
        format: 'yolo-seg',
        outDir: path.join(dir, 'y-ref'),
        imageFiles: 'reference',
      }),
    ).rejects.toThrow('YOLO needs the images inside the dataset');
    expect(await listDir(busy)).toEqual(['keep.txt']);
  });

  it('filters by status, links or references images, and keeps file names unique', async () => {
    const p = new MemoryProject(path.join(dir, 'dups'));
    const l = p.addLabel('x');
    const a = p.addImage('one/a.jpg', 4, 4);
    p.addImage('two/A.jpg', 4, 4);
    p.addImage('three/a.png', 4, 4, 'review');
    p.add(a, l, { kind: 'box', x: 0, y: 0, widthPx: 2, heightPx: 2 });
    await p.writeImageFiles();
    const out = path.join(dir, 'dups-out');
    const r = await exportDataset(p, {
      format: 'yolo-detect',
      outDir: out,
      imageFiles: 'link',
      images: { kind: 'status', statuses: ['done'] },
    });
    expect(r.images).toBe(2);
    expect(await listDir(path.join(out, 'images/train'))).toEqual(['A_2.jpg', 'a.jpg']);
    expect(await listDir(path.join(out, 'labels/train'))).toEqual(['A_2.txt', 'a.txt']);
    const linked = await fs.stat(path.join(out, 'images/train/a.jpg'));
    expect(linked.ino).toBe((await fs.stat(path.join(p.dir, 'one/a.jpg'))).ino);

    const ref = path.join(dir, 'ref-out');
    await exportDataset(p, { format: 'coco', outDir: ref, imageFiles: 'reference' });
    const coco = JSON.parse(
      await fs.readFile(path.join(ref, 'annotations/instances_train.json'), 'utf8'),
    ) as {
      images: { file_name: string }[];
    };
    expect(coco.images.map((i) => i.file_name)).toEqual([
      path.join(p.dir, 'one/a.jpg'),
      path.join(p.dir, 'two/A.jpg'),
      path.join(p.dir, 'three/a.png'),
    ]);
    expect(await listDir(ref)).toEqual(['annotations']);
  });

  it('reports missing image files as a warning and still writes the annotations', async () => {
    const p = new MemoryProject(path.join(dir, 'missing'));
    const l = p.addLabel('x');
    const a = p.addImage('gone.jpg', 4, 4);
    p.add(a, l, { kind: 'box', x: 0, y: 0, widthPx: 2, heightPx: 2 });
    const r = await exportDataset(p, { format: 'coco', outDir: path.join(dir, 'missing-out') });
    expect(r.warnings).toEqual(['1 image file(s) missing on disk: annotations written without the image']);
    expect(r.annotations).toBe(1);
  });
});

describe('train/val split', () => {
  it('is seeded, exact in proportion and stable', () => {
    const ids = Array.from({ length: 10 }, (_, i) => i + 1);
    const s1 = assignSplits(ids, { train: 0.8, val: 0.2 }, 42);
    const s2 = assignSplits(ids, { train: 0.8, val: 0.2 }, 42);
    expect([...s1.entries()]).toEqual([...s2.entries()]);
    expect([...s1.values()].filter((v) => v === 'val')).toHaveLength(2);
    const other = assignSplits(ids, { train: 0.8, val: 0.2 }, 43);
    expect([...other.entries()]).not.toEqual([...s1.entries()]);
    expect([...assignSplits(ids, undefined, 0).values()].every((v) => v === 'train')).toBe(true);
  });
});
