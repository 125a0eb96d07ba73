import { cpSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { type BenchRow } from '../bench-kit';
import { bigCocoProject, child, writeBigCoco } from '../formats/big-coco';
import { type PythonPeer } from './python-peer';
import { median } from './timing';

const ROUNDS = 7;

/**
 * COCO import against `pycocotools.coco.COCO(file)` on one generated file of PEERS_COCO_MB MiB (default
 * 100: polygons, boxes, crowd RLEs, attributes), median of 7 interleaved rounds. COCO(file) loads the
 * JSON and indexes annotations by image and category in memory; "read" is ours doing the same (stream,
 * validate, each annotation as geometry for its image), "import" is the whole import into a SQLite project
 * (matching, labels, the stored rows). Ours runs in a child process each time (its own heap, timed from
 * inside like the Python side), the import on a fresh copy of the same project.
 */
export async function cocoImportFigures(
  dir: string,
  peer: PythonPeer | undefined,
  whyNoPeer: string | undefined,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const mib = Number(process.env.PEERS_COCO_MB ?? 100);
  const file = path.join(dir, 'coco.json');
  const made = await writeBigCoco(file, mib * 2 ** 20);
  const note = `${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, ${made.images} images, ${made.annotations} annotations`;
  const template = path.join(dir, 'coco-project');
  bigCocoProject(template, made.images);
  const times = { pycocotools: [] as number[], read: [] as number[], import: [] as number[] };
  const cpu = { pycocotools: [] as number[], read: [] as number[], import: [] as number[] };
  const contenders: { label: keyof typeof times; run: () => Promise<{ wallMs: number; cpuMs: number }> }[] = [
    ...(peer && !whyNoPeer ? [{ label: 'pycocotools' as const, run: () => peer.cocoLoad(file) }] : []),
    { label: 'read', run: () => Promise.resolve(child(['read', file])) },
    {
      label: 'import',
      run: () => {
        const project = path.join(dir, 'coco-import-run');
        rmSync(project, { recursive: true, force: true });
        cpSync(template, project, { recursive: true });
        const r = child(['import', project, file]);
        if (r.imported !== made.annotations)
          throw new Error(`the import took ${String(r.imported)} of ${made.annotations} annotations`);
        return Promise.resolve(r);
      },
    },
  ];
  for (let round = 0; round < ROUNDS; round++) {
    log(`peers: COCO import round ${round + 1}/${ROUNDS}…`);
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const t = await c.run();
      times[c.label].push(t.wallMs);
      cpu[c.label].push(t.cpuMs);
    }
  }
  const py = median(cpu.pycocotools);
  const pyWall = median(times.pycocotools);
  const row = (what: 'read' | 'import', label: string, extra: string): BenchRow => {
    const ours = median(cpu[what]);
    const wall = median(times[what]);
    const has = cpu.pycocotools.length > 0;
    return {
      bench: 'peers',
      case: label,
      value: has ? ours / py : ours,
      unit: has ? '× pycocotools' : 'ms',
      note:
        `ours ${ours.toFixed(0)} ms CPU / ${wall.toFixed(0)} ms wall` +
        (has
          ? `, COCO(file) ${py.toFixed(0)} ms CPU / ${pyWall.toFixed(0)} ms wall, wall ratio ${(wall / pyWall).toFixed(2)}×`
          : `; pycocotools not timed: ${whyNoPeer ?? 'no Python'}`) +
        `; ${note}${extra}`,
    };
  };
  rmSync(path.join(dir, 'coco-import-run'), { recursive: true, force: true });
  return [
    row('read', 'COCO load + index (ours: read)', '; target ≤ 1.2×'),
    row('import', 'COCO import into a SQLite project', '; COCO(file) writes no database'),
  ];
}
