import path from 'node:path';
import { asImageId, type ImageId } from '@contract';
import { Project } from '../../../../../src-main/core/project';

/** A project with `count` image rows inserted directly (no files), for DB-only tests. */
export function projectWithImages(
  root: string,
  count: number,
  sizePx = { w: 64, h: 48 },
): { project: Project; ids: ImageId[] } {
  const project = Project.create(path.join(root, 'proj'));
  const inserted = project.images.insertMany(
    Array.from({ length: count }, (_, i) => ({
      path: `img/${String(i).padStart(6, '0')}.png`,
      name: `${String(i).padStart(6, '0')}.png`,
      sha256: i.toString(16).padStart(64, '0'),
      format: 'png',
      bytes: 100 + i,
      widthPx: sizePx.w,
      heightPx: sizePx.h,
    })),
  );
  const ids: ImageId[] = inserted.map((r) => asImageId(r.id));
  return { project, ids };
}
