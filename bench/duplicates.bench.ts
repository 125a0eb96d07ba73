import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createRadioLabelService } from '../src-main/core/api';
import { DuplicateFinder } from '../src-main/core/intelligence/duplicate-groups';
import { Project } from '../src-main/core/project';
import { type BrowserServer, startBrowserServer } from '../src-main/server/browser-server';
import { projectOverDb } from '../tests/fixtures/db/project-db';
import { tinyPng } from '../tests/fixtures/images/make-images';
import { buildRenderer, CHROMIUM_ARGS, ROOT } from '../tests/e2e/harness';
import { blended, jittered, putSummary, seededUnit } from '../tests/fixtures/inference/synthetic-embeddings';
import { type BenchRow } from './bench-kit';

const IMAGES = Number(process.env.DUPLICATES_IMAGES ?? 10_000);
const DIMS = 1536;
const THRESHOLD = 0.97;
/** Side of the small PNG behind each row (its thumbnail is made on demand, for the page shown only). */
const THUMB_SOURCE_PX = 32;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * 10,000 images of 120 scenes (correlated like real summaries, mean cosine ≈ 0.5): a fifth of them in
 * groups of 4 near copies, plus one burst of 400 near-identical frames — the kind of folder that sent
 * 225,238 pairs to the page before.
 */
function summaryOf(i: number, common: Float32Array, scenes: readonly Float32Array[], burst: Float32Array) {
  if (i < 400) return jittered(burst, 0.06, 10 + i);
  const base = (n: number) =>
    blended(blended(seededUnit(DIMS, 5000 + n), scenes[n % scenes.length]!, 0.5), common, 0.45);
  // The first 4 of every 20 images are shots of one subject: near copies of one base.
  const block = i - (i % 20);
  return i % 20 < 4 ? jittered(base(block), 0.05, 77 + i) : base(i);
}

function makeProject(dir: string, modelId: string): void {
  const files = path.join(dir, 'files');
  mkdirSync(files, { recursive: true });
  // The test's own connection: 10,000 rows and summaries in one transaction instead of 20,000.
  const { project, db } = projectOverDb(dir, { create: true });
  try {
    const common = seededUnit(DIMS, 1);
    const scenes = Array.from({ length: 120 }, (_, s) => seededUnit(DIMS, 100 + s));
    const burst = seededUnit(DIMS, 2);
    db.transaction(() => {
      for (let i = 0; i < IMAGES; i++) {
        // A real file per row, with its true hash: media are served only while they are what was imported.
        const name = `IMG_${String(i).padStart(5, '0')}.png`;
        const file = path.join(files, name);
        const png = tinyPng(i, THUMB_SOURCE_PX);
        writeFileSync(file, png);
        const r = project.images.insert({
          path: path.join('files', name),
          name,
          sha256: createHash('sha256').update(png).digest('hex'),
          format: 'png',
          bytes: png.length,
          widthPx: THUMB_SOURCE_PX,
          heightPx: THUMB_SOURCE_PX,
          mtimeMs: Math.trunc(statSync(file).mtimeMs),
        });
        putSummary(project, r.id, modelId, summaryOf(i, common, scenes, burst));
      }
    })();
  } finally {
    project.close();
  }
}

/** Duplicates view on 10,000 cached images: first page in Chromium, its JS heap, and the server's share. */
export default async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-dup-bench-'));
  const dir = path.join(dataDir, 'project');
  const service = createRadioLabelService({ dataDir, mode: 'browser', version: 'bench', appRoot: ROOT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // Closed in `finally` too: a failed wait must not leave the server holding the process open.
  let server: BrowserServer | undefined;
  try {
    const modelId = (await service.handlers.inference.status({})).modelId ?? 'starter';
    const t0 = performance.now();
    makeProject(dir, modelId);
    const setupMs = performance.now() - t0;
    await service.handlers.projects.open({ dir });
    server = await startBrowserServer({ service, rendererDir: await buildRenderer() });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    let pageBytes = 0;
    page.on('response', (r) => {
      if (r.url().includes('/api/search/duplicateGroups'))
        void r.body().then((b) => (pageBytes = Math.max(pageBytes, b.byteLength)));
    });
    await page.goto(server.url);
    await page.getByText(`${IMAGES.toLocaleString('en-US')} images`).waitFor({ timeout: 120_000 });

    // Cold: the pairs are computed on this first request.
    const t1 = performance.now();
    await page.getByRole('button', { name: 'Duplicates…' }).click();
    await page.locator('.dup-group').first().waitFor({ timeout: 120_000 });
    await page.waitForFunction(
      // The thumbnails on screen (lazy ones further down load as the dialog scrolls).
      () =>
        [...document.querySelectorAll<HTMLImageElement>('.dup-group:first-child img')].every(
          (i) => i.complete && i.naturalWidth > 0,
        ),
      null,
      { timeout: 120_000 },
    );
    const firstPageMs = performance.now() - t1;
    const summary = await page.getByRole('dialog', { name: 'Duplicates' }).getByRole('status').innerText();
    const t2 = performance.now();
    await page.getByRole('button', { name: 'Next ▶' }).click();
    await page.getByText('Page 2 /').waitFor();
    await page.locator('.dup-group').first().waitFor();
    const nextPageMs = performance.now() - t2;
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
    await page.close();
    await server.close();
    server = undefined;

    // The server's share, cold, without the page: reading 10,000 summaries and comparing them.
    const project = Project.open(dir);
    const cpu0 = process.cpuUsage();
    const t3 = performance.now();
    const groups = new DuplicateFinder().groups(project, { modelId }, THRESHOLD);
    const serverMs = performance.now() - t3;
    const cpu = process.cpuUsage(cpu0);
    const serverCpuMs = (cpu.user + cpu.system) / 1000;
    project.close();
    // The peer, in the same run: the old answer, every pair at once (what the page used to receive).
    const t4 = performance.now();
    const old = await service.handlers.search.duplicates({ threshold: THRESHOLD });
    const oldMs = performance.now() - t4;
    const oldBytes = Buffer.byteLength(JSON.stringify({ ok: true, value: old }));
    const load = os.loadavg()[0]?.toFixed(1) ?? '?';
    const note = `${IMAGES} cached images, ${DIMS}-d summaries, threshold ${THRESHOLD}, ${os.cpus().length} cores at load ${load}`;
    return [
      {
        bench: 'duplicates',
        case: 'first page in Chromium (cold)',
        value: firstPageMs,
        unit: 'ms',
        note: `${note}; target < 1000 ms; ${summary}`,
      },
      {
        bench: 'duplicates',
        case: 'page JS heap after 2 pages',
        value: metric('JSHeapUsedSize') / 2 ** 20,
        unit: 'MB',
        note: `target < 300 MB; heap total ${(metric('JSHeapTotalSize') / 2 ** 20).toFixed(0)} MB, ${metric('Nodes')} DOM nodes`,
      },
      { bench: 'duplicates', case: 'next page (pairs cached)', value: nextPageMs, unit: 'ms' },
      {
        bench: 'duplicates',
        case: 'server: groups, cold',
        value: serverMs,
        unit: 'ms',
        note: `${serverCpuMs.toFixed(0)} ms CPU (wall time counts the other processes on this machine): summaries from SQLite + SimHash-filtered all-pairs + union-find, ${groups.length} groups`,
      },
      {
        bench: 'duplicates',
        case: 'old: every pair (search.duplicates)',
        value: oldMs,
        unit: 'ms',
        note: `${old.pairs.length.toLocaleString('en-US')} pairs; ${(oldMs / serverMs).toFixed(1)}× the new server time`,
      },
      {
        bench: 'duplicates',
        case: 'largest page payload',
        value: pageBytes / 1024,
        unit: 'KiB',
        note: `old: ${(oldBytes / 2 ** 20).toFixed(1)} MiB of pairs in one answer (${(oldBytes / Math.max(1, pageBytes)).toFixed(0)}×)`,
      },
      { bench: 'duplicates', case: 'setup (10k rows + summaries)', value: setupMs, unit: 'ms' },
    ];
  } finally {
    await server?.close();
    await browser.close();
    await service.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
