import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as mask from '@shared/mask';
import { maskWasmActive, setMaskWasm, withoutMaskWasm } from '@shared/mask/wasm/kernels';
import * as oldContours from '../tests/fixtures/segment/oracle/contours';
import * as oldOps from '../tests/fixtures/segment/oracle/mask-ops';
import * as oldRle from '../tests/fixtures/segment/oracle/rle';
import { type BenchRow } from './bench-kit';
import { cocoImportFigures } from './peers/coco-import';
import { embeddingFigures } from './peers/embedding-read';
import { makeCases, type MaskCase } from './peers/masks';
import { findPython, PythonPeer, type PeerInfo } from './peers/python-peer';
import { interleaved, type Timed } from './peers/timing';

/**
 * `npm run bench -- peers`: our mask kernels against OpenCV, numpy and pycocotools on the same masks in
 * one run, ours and theirs alternating (median of 7 rounds), ratios ours / peer of CPU time per call
 * (each side's own process; the wall-time ratio is in the note). "before" is the code
 * this replaced (tests/fixtures/segment/oracle), timed in the same rounds; "ts-only" is our TypeScript path
 * where ours runs a WebAssembly kernel (MASK_WASM=0 turns Wasm off). The Python side times itself
 * (bench/peers/peer.py), so interpreter start-up and IPC are not in its figures. PEERS_ONLY=<regex>
 * keeps only matching "op case" names ("coco" for the COCO import, "embedding" for the cache read);
 * PEERS_PYTHON picks the interpreter, PEERS_COCO_MB the COCO file's size.
 */

type Peer = 'cv2' | 'numpy' | 'pycocotools';

interface Op {
  readonly name: string;
  readonly peer: Peer;
  /** Why only ours is timed on this case (a peer or the old code that would take minutes), if so. */
  readonly onlyOurs?: (c: Prepared) => string | undefined;
  readonly ours: (c: Prepared) => unknown;
  readonly before?: (c: Prepared) => unknown;
  /** Ours runs a Wasm kernel: its TypeScript twin is timed too ("ts"), to show what Wasm adds. */
  readonly wasm?: true;
}

interface Prepared extends MaskCase {
  readonly rleA: mask.CompressedRle;
  readonly rleB: mask.CompressedRle;
  readonly polygons: number[][];
}

const OPS: readonly Op[] = [
  {
    name: 'contours',
    peer: 'cv2',
    ours: (c) => mask.maskToPolygons(c.a, c.widthPx, c.heightPx),
    before: (c) => oldContours.maskToPolygons(c.a, c.widthPx, c.heightPx),
    wasm: true,
  },
  {
    name: 'denseIou',
    peer: 'numpy',
    ours: (c) => mask.denseIou(c.a, c.b),
    before: (c) => oldOps.maskIou(c.a, c.b),
    wasm: true,
  },
  {
    name: 'area',
    peer: 'pycocotools',
    ours: (c) => mask.rleArea(c.rleA),
    before: (c) => oldRle.rleArea(c.rleA),
  },
  {
    name: 'toBbox',
    peer: 'pycocotools',
    ours: (c) => mask.rleToBbox(c.rleA),
    before: (c) => oldRle.rleToBbox(c.rleA),
  },
  {
    name: 'merge',
    peer: 'pycocotools',
    ours: (c) => mask.rleMerge([c.rleA, c.rleB]),
    before: (c) => oldRle.mergeRles([c.rleA, c.rleB]),
    wasm: true,
  },
  { name: 'iou', peer: 'pycocotools', ours: (c) => mask.rleIou([c.rleA], [c.rleB], [0]) },
  { name: 'iouCrowd', peer: 'pycocotools', ours: (c) => mask.rleIou([c.rleA], [c.rleB], [1]) },
  {
    name: 'frPoly',
    peer: 'pycocotools',
    ours: (c) => mask.rleFrPoly(c.polygons, c.heightPx, c.widthPx),
    before: (c) =>
      c.polygons.map((p) => oldRle.countsToString(oldRle.polygonToCounts(p, c.heightPx, c.widthPx))),
  },
  {
    name: 'frPolyMerge',
    peer: 'pycocotools',
    ours: (c) => mask.polygonsToRle(c.polygons, c.heightPx, c.widthPx),
    before: (c) => oldRle.polygonsToRle(c.polygons, c.heightPx, c.widthPx),
    // pycocotools (and the old code) merge polygon by polygon: quadratic in the number of parts.
    onlyOurs: (c) =>
      c.polygons.length > 20_000
        ? `${c.polygons.length} polygons: a left fold of merges takes minutes there`
        : undefined,
  },
  {
    name: 'encode',
    peer: 'pycocotools',
    ours: (c) => mask.encodeMask(c.a, c.widthPx, c.heightPx),
    before: (c) => oldRle.encodeMask(c.a, c.widthPx, c.heightPx),
    wasm: true,
  },
];

function prepare(c: MaskCase, dir: string): { prepared: Prepared; manifest: object } {
  const rleA = mask.encodeMask(c.a, c.widthPx, c.heightPx);
  const rleB = mask.encodeMask(c.b, c.widthPx, c.heightPx);
  // Realistic polygons: the outer rings of the mask, simplified by 1 px.
  const polygons = mask
    .maskToPolygons(c.a, c.widthPx, c.heightPx, { tolerancePx: 1 })
    .map((p) => p.outer)
    .filter((r) => r.length > 4);
  const maskFile = path.join(dir, `${c.id}-a.u8`);
  const maskBFile = path.join(dir, `${c.id}-b.u8`);
  writeFileSync(maskFile, c.a);
  writeFileSync(maskBFile, c.b);
  const manifest = {
    id: c.id,
    width: c.widthPx,
    height: c.heightPx,
    maskFile,
    maskBFile,
    rleA: rleA.counts,
    rleB: rleB.counts,
    polygons,
  };
  return { prepared: { ...c, rleA, rleB, polygons }, manifest };
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(2);
}

export default async function peersBench(): Promise<BenchRow[]> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const only = process.env.PEERS_ONLY ? new RegExp(process.env.PEERS_ONLY) : undefined;
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'radiolabel-peers-'));
  try {
    // MASK_WASM=0 times the TypeScript kernels alone.
    if (process.env.MASK_WASM === '0') setMaskWasm(false);
    const wasmOn = maskWasmActive();
    log(
      `peers: mask kernels ${wasmOn ? 'with WebAssembly (ts-only: the TypeScript twins)' : 'in TypeScript only'}`,
    );
    const cases = makeCases().filter((c) => !only || OPS.some((o) => only.test(`${o.name} ${c.id}`)));
    const prepared = cases.map((c) => prepare(c, dir));
    const manifestFile = path.join(dir, 'manifest.json');
    writeFileSync(manifestFile, JSON.stringify({ cases: prepared.map((p) => p.manifest) }));
    const python = findPython(log);
    let peer: PythonPeer | undefined;
    let info: PeerInfo | undefined;
    if (python) {
      peer = new PythonPeer(python);
      info = await peer.load(manifestFile);
      log(
        `peers: ${info.python}: cv2 ${info.cv2 ?? `missing (${info.cv2Why})`}, numpy ${info.numpy}, ` +
          `pycocotools ${info.pycocotools ?? 'missing'}`,
      );
    }
    const missing = (p: Peer): string | undefined => {
      if (!peer || !info) return 'no Python with numpy found';
      if (p === 'cv2' && !info.cv2) return `cv2 not importable in ${info.python}: ${info.cv2Why}`;
      if (p === 'pycocotools' && !info.pycocotools) {
        return (
          `pycocotools is not importable in ${info.python} (${info.pycocotoolsWhy}); it is not a Debian ` +
          'package, so set PEERS_PYTHON to an interpreter that has it'
        );
      }
      return undefined;
    };
    for (const p of ['cv2', 'pycocotools'] as const) {
      const why = missing(p);
      if (why) {
        log(`peers: ${p} skipped: ${why}`);
        rows.push({ bench: 'peers', case: `${p} skipped`, value: Number.NaN, unit: '', note: why });
      }
    }
    for (const { prepared: c } of prepared) {
      for (const op of OPS) {
        const name = `${op.name} ${c.id}`;
        if (only && !only.test(name)) continue;
        log(`peers: ${name}…`);
        const why = missing(op.peer);
        const onlyOurs = op.onlyOurs?.(c);
        const timed: Timed[] = [{ label: 'ours', run: () => op.ours(c) }];
        if (!why && peer && !onlyOurs) {
          const py = peer;
          timed.push({ label: op.peer, runTimed: (reps) => py.time(op.name, c.id, reps) });
        }
        if (op.before && !onlyOurs) timed.push({ label: 'before', run: () => op.before!(c) });
        if (op.wasm && wasmOn) timed.push({ label: 'ts', run: () => withoutMaskWasm(() => op.ours(c)) });
        const t = await interleaved(timed, 7);
        const ours = t.get('ours')!;
        const theirs = t.get(op.peer);
        const before = t.get('before');
        const ts = t.get('ts');
        const parts = [`ours ${fmtMs(ours.cpuMs)} ms`];
        if (theirs !== undefined) parts.push(`${op.peer} ${fmtMs(theirs.cpuMs)} ms`);
        if (before !== undefined) {
          parts.push(
            `before ${fmtMs(before.cpuMs)} ms` +
              (theirs !== undefined ? ` = ${(before.cpuMs / theirs.cpuMs).toFixed(2)}×` : ''),
          );
        }
        if (ts !== undefined) {
          parts.push(
            `ts-only ${fmtMs(ts.cpuMs)} ms` +
              (theirs !== undefined ? ` = ${(ts.cpuMs / theirs.cpuMs).toFixed(2)}×` : ''),
          );
        }
        if (theirs !== undefined) parts.push(`wall ratio ${(ours.wallMs / theirs.wallMs).toFixed(2)}×`);
        if (onlyOurs) parts.push(`peer and before not timed: ${onlyOurs}`);
        rows.push({
          bench: 'peers',
          case: `${op.name} ${c.label}`,
          value: theirs !== undefined ? ours.cpuMs / theirs.cpuMs : ours.cpuMs,
          unit: theirs !== undefined ? `× ${op.peer}` : 'ms',
          note: parts.join(', '),
        });
      }
    }
    if (!only || only.test('coco'))
      rows.push(...(await cocoImportFigures(dir, peer, missing('pycocotools'), log)));
    peer?.close();
    if (!only || only.test('embedding')) rows.push(...(await embeddingFigures(dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
