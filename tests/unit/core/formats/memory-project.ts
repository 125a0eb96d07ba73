import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type AnnotationSource,
  type Attributes,
  type AttributeSpec,
  type Geometry,
  type ImageStatus,
  asAnnotationId,
  asImageId,
  asLabelId,
  type ImageId,
  type LabelId,
} from '@contract';
import { encodeGrayPng } from '../../../../src-main/core/formats/png';
import { encodeMask } from '../../../../src-main/core/segment/rle';
import type {
  DeclaredLabel,
  ExportAnnotation,
  ExportImage,
  ExportLabel,
  ExportSource,
  ImageFilter,
  ImportSink,
  LabelDecl,
  NewAnnotation,
  ProjectImageRef,
} from '../../../../src-main/core/formats/source';

/** An in-memory project implementing both sides of the formats module, for tests and the bench. */
export class MemoryProject implements ExportSource, ImportSink {
  readonly imageList: ExportImage[] = [];
  readonly labelList: ExportLabel[] = [];
  readonly annotations = new Map<number, ExportAnnotation[]>();
  private nextAnnotationId = 1;

  constructor(readonly dir: string) {}

  addLabel(
    name: string,
    color = '#ff0000',
    extra: Partial<Omit<ExportLabel, 'id' | 'name' | 'color'>> = {},
  ): LabelId {
    const id = asLabelId(this.labelList.length + 1);
    this.labelList.push({ id, name, color, supercategory: '', categoryId: null, attributes: [], ...extra });
    return id;
  }

  addImage(
    relativePath: string,
    widthPx: number,
    heightPx: number,
    status: ImageStatus = 'done',
    sha256: string | null = null,
  ): ImageId {
    const id = asImageId(this.imageList.length + 1);
    this.imageList.push({
      id,
      fileName: path.posix.basename(relativePath),
      relativePath,
      absolutePath: path.join(this.dir, relativePath),
      widthPx,
      heightPx,
      status,
      sha256,
    });
    return id;
  }

  /** Writes a small real PNG for every image (exports copy the files). */
  async writeImageFiles(): Promise<void> {
    for (const img of this.imageList) {
      await fs.mkdir(path.dirname(img.absolutePath), { recursive: true });
      await fs.writeFile(img.absolutePath, encodeGrayPng(new Uint8Array(4), 2, 2));
    }
  }

  add(
    imageId: ImageId,
    labelId: LabelId,
    geometry: Geometry,
    opts: {
      iscrowd?: boolean;
      score?: number | null;
      source?: AnnotationSource;
      attributes?: Attributes;
      groupId?: number | null;
    } = {},
  ): void {
    const list = this.annotations.get(imageId) ?? [];
    list.push({
      id: asAnnotationId(this.nextAnnotationId++),
      labelId,
      geometry,
      score: opts.score ?? null,
      source: opts.source ?? 'manual',
      iscrowd: opts.iscrowd ?? false,
      attributes: opts.attributes ?? {},
      groupId: opts.groupId ?? null,
    });
    this.annotations.set(imageId, list);
  }

  // ExportSource
  labels(): Promise<readonly ExportLabel[]> {
    return Promise.resolve(this.labelList);
  }
  async *imagePages(filter: ImageFilter, pageSize: number): AsyncIterable<readonly ExportImage[]> {
    const keep = this.imageList.filter((i) => filter.kind === 'all' || filter.statuses.includes(i.status));
    for (let i = 0; i < keep.length; i += pageSize) {
      await Promise.resolve();
      yield keep.slice(i, i + pageSize);
    }
  }
  annotationsOf(imageId: ImageId): Promise<readonly ExportAnnotation[]> {
    return Promise.resolve(this.annotations.get(imageId) ?? []);
  }

  // ImportSink
  images(): Iterable<ProjectImageRef> {
    return this.imageList;
  }
  declareLabel(decl: LabelDecl): Promise<DeclaredLabel> {
    const found = this.labelList.find((l) => l.name.toLowerCase() === decl.name.toLowerCase());
    if (found === undefined) {
      const taken =
        decl.categoryId !== undefined && this.labelList.some((l) => l.categoryId === decl.categoryId);
      const id = this.addLabel(decl.name, decl.color ?? '#ff0000', {
        supercategory: decl.supercategory ?? '',
        categoryId: taken ? null : (decl.categoryId ?? null),
        attributes: decl.attributes ?? [],
      });
      return Promise.resolve({ id, attributes: decl.attributes ?? [] });
    }
    return this.declareAttributes(found.id, decl.attributes ?? []).then((attributes) => ({
      id: found.id,
      attributes,
    }));
  }
  declareAttributes(labelId: LabelId, specs: readonly AttributeSpec[]): Promise<readonly AttributeSpec[]> {
    const i = this.labelList.findIndex((l) => l.id === labelId);
    const label = this.labelList[i]!;
    const known = new Set(label.attributes.map((s) => s.name));
    const attributes = [...label.attributes, ...specs.filter((s) => !known.has(s.name))];
    this.labelList[i] = { ...label, attributes };
    return Promise.resolve(attributes);
  }
  maxGroupId(imageId: ImageId): Promise<number> {
    return Promise.resolve(Math.max(0, ...(this.annotations.get(imageId) ?? []).map((a) => a.groupId ?? 0)));
  }
  addAnnotations(anns: readonly NewAnnotation[]): Promise<{ added: number; duplicates: number }> {
    let added = 0;
    let duplicates = 0;
    for (const a of anns) {
      const key = JSON.stringify(a.geometry);
      const same = (this.annotations.get(a.imageId) ?? []).some(
        (b) => b.labelId === a.labelId && JSON.stringify(b.geometry) === key,
      );
      if (same) {
        duplicates++;
        continue;
      }
      this.add(a.imageId, a.labelId, a.geometry, {
        iscrowd: a.iscrowd,
        source: 'imported',
        score: a.score,
        attributes: a.attributes,
        groupId: a.groupId,
      });
      added++;
    }
    return Promise.resolve({ added, duplicates });
  }

  /** The same images and labels, without annotations (an import target). */
  emptyCopy(): MemoryProject {
    const p = new MemoryProject(this.dir);
    p.imageList.push(...this.imageList);
    p.labelList.push(...this.labelList);
    return p;
  }
}

export async function tempDir(prefix = 'rl-formats-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Row-major 0/1 mask from a list of strings ('#' = foreground). */
export function maskFromArt(rows: readonly string[]): {
  mask: Uint8Array;
  widthPx: number;
  heightPx: number;
} {
  const heightPx = rows.length;
  const widthPx = rows[0]!.length;
  const mask = new Uint8Array(widthPx * heightPx);
  rows.forEach((r, y) => {
    for (let x = 0; x < widthPx; x++) mask[y * widthPx + x] = r[x] === '#' ? 1 : 0;
  });
  return { mask, widthPx, heightPx };
}

/**
 * The sample project of the golden tests: three labels (one unused, with a COCO id and supercategory),
 * three images (one not done) with every geometry kind: boxes, a triangle, a ring-shaped mask (hole), a
 * crowd two-part mask, a polygon with a hole, a point, a rotated box with attributes, a polyline, an
 * image tag, and a group of two polygons.
 */
export async function sampleProject(dir: string): Promise<MemoryProject> {
  const p = new MemoryProject(dir);
  const cat = p.addLabel('cat', '#ff0000', {
    attributes: [
      { kind: 'one_of', name: 'color', options: ['red', 'green'], default: 'green' },
      { kind: 'boolean', name: 'occluded', default: false },
    ],
  });
  const dog = p.addLabel('dog', '#00ff00');
  p.addLabel('bird', '#0000ff', { categoryId: 16, supercategory: 'animal' });
  const a = p.addImage('a.jpg', 20, 16, 'done', 'aa'.repeat(32));
  const b = p.addImage('sub/b.png', 20, 16, 'done', 'bb'.repeat(32));
  const c = p.addImage('c.jpg', 20, 16, 'new', 'cc'.repeat(32));
  p.add(a, cat, { kind: 'box', x: 2, y: 3, widthPx: 5, heightPx: 4 });
  p.add(a, dog, { kind: 'polygon', rings: [[10, 2, 18, 2, 14, 9]] });
  const ring = maskFromArt([
    '....................',
    '....................',
    '..#####.............',
    '..#...#.............',
    '..#...#.............',
    '..#####.............',
    ...Array<string>(10).fill('....................'),
  ]);
  p.add(a, cat, { kind: 'mask', rle: encodeMask(ring.mask, ring.widthPx, ring.heightPx) });
  const twoParts = maskFromArt([
    ...Array<string>(10).fill('....................'),
    '.###..........##....',
    '.###..........##....',
    ...Array<string>(4).fill('....................'),
  ]);
  p.add(b, dog, { kind: 'mask', rle: encodeMask(twoParts.mask, 20, 16) }, { iscrowd: true });
  p.add(b, cat, {
    kind: 'polygon',
    rings: [
      [1, 1, 9, 1, 9, 9, 1, 9],
      [3, 3, 7, 3, 7, 7, 3, 7],
    ],
  });
  p.add(b, dog, { kind: 'point', x: 15.5, y: 4.25 });
  const simple = maskFromArt([
    ...Array<string>(12).fill('....................'),
    '..........####......',
    '..........####......',
    '..........##........',
    '....................',
  ]);
  p.add(b, cat, { kind: 'mask', rle: encodeMask(simple.mask, 20, 16) });
  p.add(c, dog, { kind: 'box', x: 0, y: 0, widthPx: 20, heightPx: 16 });
  p.add(
    c,
    cat,
    { kind: 'rotated_box', cx: 10, cy: 8, widthPx: 8, heightPx: 4, rotationDeg: 30 },
    { attributes: { color: 'red', occluded: true } },
  );
  p.add(c, dog, { kind: 'polyline', points: [1, 1, 5, 3, 9, 1] });
  p.add(c, cat, { kind: 'tag' });
  p.add(c, dog, { kind: 'polygon', rings: [[12, 10, 16, 10, 14, 14]] }, { groupId: 1 });
  p.add(c, dog, { kind: 'polygon', rings: [[16, 12, 19, 12, 19, 15]] }, { groupId: 1 });
  await p.writeImageFiles();
  return p;
}
