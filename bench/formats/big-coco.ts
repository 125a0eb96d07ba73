import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Project } from '../../src-main/core/project';
import { seededRandom } from '../../src-main/core/random';

export const BIG_W = 640;
export const BIG_H = 480;
export const imageName = (i: number): string => `img_${String(i).padStart(7, '0')}.jpg`;

/**
 * Writes a COCO file of about `targetBytes` in COCO's own member order (info, licenses, images,
 * annotations, categories last): 12-point polygons, a box-only annotation in ten, a crowd RLE in fifty,
 * CVAT attributes on some. Returns the number of images and annotations written.
 */
export async function writeBigCoco(
  file: string,
  targetBytes: number,
  perImage = 40,
): Promise<{ images: number; annotations: number }> {
  const rand = seededRandom(7);
  const out = createWriteStream(file);
  let written = 0;
  const write = async (s: string): Promise<void> => {
    written += s.length;
    if (!out.write(s)) await once(out, 'drain');
  };
  // ~260 bytes per annotation: decide the image count up front so that images come first.
  const images = Math.max(1, Math.round(targetBytes / (perImage * 260)));
  await write('{"info":{"description":"RadioLabel bench"},"licenses":[],"images":[');
  for (let i = 1; i <= images; i++) {
    await write(
      `${i > 1 ? ',' : ''}{"id":${i},"file_name":"${imageName(i)}","width":${BIG_W},"height":${BIG_H}}`,
    );
  }
  await write('],"annotations":[');
  let id = 0;
  for (let i = 1; i <= images; i++) {
    for (let k = 0; k < perImage; k++) {
      id++;
      const x = rand() * (BIG_W - 100);
      const y = rand() * (BIG_H - 80);
      const cat = 1 + (k % 80);
      let ann: string;
      if (k % 50 === 49) {
        ann = `{"id":${id},"image_id":${i},"category_id":${cat},"segmentation":{"size":[${BIG_H},${BIG_W}],"counts":[${Math.floor(x) * BIG_H},${BIG_H * 3},${(BIG_W - Math.floor(x) - 3) * BIG_H}]},"area":${BIG_H * 3},"bbox":[${Math.floor(x)},0,3,${BIG_H}],"iscrowd":1}`;
      } else if (k % 10 === 9) {
        ann = `{"id":${id},"image_id":${i},"category_id":${cat},"segmentation":[],"area":1200,"bbox":[${x.toFixed(2)},${y.toFixed(2)},40,30],"iscrowd":0,"attributes":{"occluded":${k % 20 === 9},"track_id":${k}}}`;
      } else {
        const pts: string[] = [];
        for (let p = 0; p < 12; p++) {
          const a = (2 * Math.PI * p) / 12;
          pts.push(
            (x + 50 + 40 * Math.cos(a) * (0.7 + 0.3 * rand())).toFixed(2),
            (y + 40 + 30 * Math.sin(a)).toFixed(2),
          );
        }
        ann = `{"id":${id},"image_id":${i},"category_id":${cat},"segmentation":[[${pts.join(',')}]],"area":3000.5,"bbox":[${x.toFixed(2)},${y.toFixed(2)},100,80],"iscrowd":0}`;
      }
      await write(`${id > 1 ? ',' : ''}${ann}`);
    }
    if (written > targetBytes * 1.2) break;
  }
  await write('],"categories":[');
  for (let c = 1; c <= 80; c++)
    await write(`${c > 1 ? ',' : ''}{"id":${c},"name":"class_${c}","supercategory":"thing"}`);
  await write(']}');
  out.end();
  await once(out, 'close');
  return { images, annotations: id };
}

/** A project holding the images a big COCO file names (no files: the import matches by name). */
export function bigCocoProject(dir: string, images: number): void {
  const project = Project.create(dir);
  try {
    project.images.insertMany(
      Array.from({ length: images }, (_, k) => ({
        path: `images/${imageName(k + 1)}`,
        name: imageName(k + 1),
        sha256: (k + 1).toString(16).padStart(64, '0'),
        format: 'jpeg',
        bytes: 1,
        widthPx: BIG_W,
        heightPx: BIG_H,
      })),
    );
  } finally {
    project.close();
  }
}

export interface ChildFigures {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly [k: string]: unknown;
}

/** bench/formats/coco-import-child.ts in a process of its own (its peak RSS is the import's). */
export function child(args: readonly string[]): ChildFigures {
  const script = path.join(import.meta.dirname, 'coco-import-child.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`coco-import-child ${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildFigures;
}
