import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { convertRadioCheckpoint } from '../src-main/core/models/convert';
import { convertRadioInWorker } from '../src-main/core/models/convert-worker';
import { VIT_B_RADIO, writeSyntheticRadio } from '../tests/fixtures/radio/synthetic-radio';
import { percentile, type BenchRow } from './bench-kit';

/**
 * `npm run bench -- convert-worker`: what the app's own thread sees while a checkpoint converts, with the
 * converter on that thread (as before) and in its conversion worker (the built-in converters now): the
 * longest event-loop stall (monitorEventLoopDelay, 10 ms resolution) and the wall time, in alternating
 * rounds. The checkpoint is ViT-B wide (768, 2048-px CPE grid, SigLIP2-g + SAM heads) but 4 blocks deep,
 * so a round takes seconds; every block of a deeper model stalls the same way.
 */
const BENCH = 'convert-worker';
const ROUNDS = 3;
const PX = 512;
const cache = path.join(import.meta.dirname, '.cache', 'convert-worker');
const SPEC = { ...VIT_B_RADIO, depth: 4 };

interface Run {
  readonly wallMs: number;
  readonly maxStallMs: number;
}

async function measure(run: () => Promise<unknown>): Promise<Run> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  h.disable();
  return { wallMs, maxStallMs: h.max / 1e6 };
}

export default async function convertWorkerBench(): Promise<BenchRow[]> {
  const ckpt = path.join(cache, 'ckpt');
  const stamp = path.join(ckpt, 'options.json');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== JSON.stringify(SPEC)) {
    rmSync(ckpt, { recursive: true, force: true });
    writeSyntheticRadio(ckpt, SPEC);
    writeFileSync(stamp, JSON.stringify(SPEC));
  }
  const options = (outDir: string) => ({
    checkpointDir: ckpt,
    outDir,
    resolution: PX,
    dtype: 'fp16' as const,
    adaptors: { language: 'siglip2-g', sam: 'sam' },
    meta: { id: 'bench', name: 'bench', license: 'bench only', sourceUrl: 'bench', description: 'bench' },
  });
  const runs: Record<'thread' | 'worker', Run[]> = { thread: [], worker: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const a = path.join(cache, 'out-thread');
    const b = path.join(cache, 'out-worker');
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
    runs.thread.push(await measure(() => convertRadioCheckpoint(options(a))));
    runs.worker.push(await measure(() => convertRadioInWorker(options(b))));
  }
  const p50 = (k: 'thread' | 'worker', m: 'wallMs' | 'maxStallMs'): number =>
    percentile(
      runs[k].map((x) => x[m]),
      50,
    );
  const note = `ViT-B width, ${SPEC.depth} blocks, ${PX}² fp16, ${ROUNDS} alternating rounds (p50)`;
  return [
    {
      bench: BENCH,
      case: 'longest main-thread stall: converter on the thread',
      value: p50('thread', 'maxStallMs'),
      unit: 'ms',
      note,
    },
    {
      bench: BENCH,
      case: 'longest main-thread stall: conversion worker',
      value: p50('worker', 'maxStallMs'),
      unit: 'ms',
      note,
    },
    {
      bench: BENCH,
      case: 'wall time: converter on the thread',
      value: p50('thread', 'wallMs') / 1000,
      unit: 's',
      note,
    },
    {
      bench: BENCH,
      case: 'wall time: conversion worker',
      value: p50('worker', 'wallMs') / 1000,
      unit: 's',
      note: 'includes the worker start',
    },
  ];
}
