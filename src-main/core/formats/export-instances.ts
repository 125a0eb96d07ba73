import { type Attributes, isRegion } from '@contract';
import { geometryBbox } from './shapes';
import type { ExportAnnotation } from './source';

/**
 * One object as the instance formats (COCO, YOLO, VOC) write it: a single region annotation, or the
 * region annotations of one group with the same label (CVAT and labelme draw one object in several
 * shapes), as Datumaro's exporters merge them.
 */
export interface ExportInstance {
  readonly labelId: ExportAnnotation['labelId'];
  /** In drawing order; the first one's attributes and score stand for the instance. */
  readonly members: readonly ExportAnnotation[];
  readonly iscrowd: boolean;
  readonly attributes: Attributes;
  readonly score: number | null;
}

/**
 * Region annotations grouped into instances (in the order of their first member), and the rest
 * (points, polylines, image tags) apart.
 */
export function groupInstances(annotations: readonly ExportAnnotation[]): {
  instances: ExportInstance[];
  others: ExportAnnotation[];
} {
  const byKey = new Map<string, ExportAnnotation[]>();
  const order: ExportAnnotation[][] = [];
  const others: ExportAnnotation[] = [];
  for (const a of annotations) {
    if (!isRegion(a.geometry)) {
      others.push(a);
      continue;
    }
    if (a.groupId === null) {
      order.push([a]);
      continue;
    }
    const key = `${a.groupId}|${a.labelId}`;
    const list = byKey.get(key);
    if (list) list.push(a);
    else {
      const fresh = [a];
      byKey.set(key, fresh);
      order.push(fresh);
    }
  }
  const instances = order.map((members): ExportInstance => {
    const leader = members[0]!;
    return {
      labelId: leader.labelId,
      members,
      iscrowd: members.some((m) => m.iscrowd),
      // Members' attributes together, the first member's value winning.
      attributes: Object.assign({}, ...[...members].reverse().map((m) => m.attributes)) as Attributes,
      score: leader.score,
    };
  });
  return { instances, others };
}

/** Axis-aligned extent [x, y, w, h] of some members of an instance (all of them by default). */
export function instanceExtent(
  inst: ExportInstance,
  members: readonly ExportAnnotation[] = inst.members,
): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const m of members) {
    const [x, y, w, h] = geometryBbox(m.geometry);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + w);
    y1 = Math.max(y1, y + h);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}
