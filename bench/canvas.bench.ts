import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { aliases } from '../vite.aliases';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchRow, percentile } from './bench-kit';
import { type PageResults } from './canvas/main';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const FRAMES = 120;
const VIEWPORT = { width: 1600, height: 900 };

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Builds the bench page (bench/canvas) with vite into a temp dir. */
async function buildPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({
    configFile: false,
    root: path.join(import.meta.dirname, 'canvas'),
    logLevel: 'error',
    plugins: [react()],
    resolve: { alias: aliases },
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 10_000 },
  });
}

/** ESM does not load from file://, so the page is served over http on 127.0.0.1. */
function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res
        .writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

function rows(r: PageResults): BenchRow[] {
  const load = os.loadavg()[0]?.toFixed(1) ?? '?';
  const note = `${r.annotations} annotations (1,000 polygons + 100 masks), 3840x2160 image, ${VIEWPORT.width}x${VIEWPORT.height} viewport, software raster, ${os.cpus().length} cores at load ${load}`;
  const stat = (name: string, samples: number[], extra?: string): BenchRow[] => [
    {
      bench: 'canvas',
      case: `${name} p50`,
      value: percentile(samples, 50),
      unit: 'ms',
      ...(extra ? { note: extra } : {}),
    },
    { bench: 'canvas', case: `${name} p95`, value: percentile(samples, 95), unit: 'ms' },
  ];
  return [
    { bench: 'canvas', case: 'scene setup (shapes + 4k image)', value: r.setupMs, unit: 'ms', note },
    { bench: 'canvas', case: 'first draw (decodes masks)', value: r.firstDrawMs, unit: 'ms' },
    ...stat('pan frame time', r.panFrameMs, 'rAF to rAF while panning every frame (target ≤ 16 ms)'),
    ...stat('pan work', r.panWorkMs, 'React commit + synchronous Konva redraw per view change'),
    ...stat('zoom frame time', r.zoomFrameMs, 'rAF to rAF while wheel-zooming every frame'),
    ...stat('zoom work', r.zoomWorkMs),
    ...stat(
      'edit redraw work',
      r.editWorkMs,
      'dragging one selected polygon (drawn live over the cached raster)',
    ),
  ];
}

/** Frame time of pan/zoom in headless Chromium with 1,000 polygons + 100 masks on a 4k image. */
export default async function run(): Promise<BenchRow[]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-canvas-bench-'));
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  let server: Server | null = null;
  try {
    await buildPage(outDir);
    const served = await serve(outDir);
    server = served.server;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served.origin}/index.html`);
    await page.waitForFunction(
      () => {
        const w = window as unknown as { __benchReady?: boolean; __benchError?: string };
        return w.__benchReady === true || w.__benchError !== undefined;
      },
      null,
      { timeout: 180_000 },
    );
    const failure = await page.evaluate(() => (window as unknown as { __benchError?: string }).__benchError);
    if (failure !== undefined || errors.length > 0)
      throw new Error(`bench page failed: ${failure ?? errors.join('; ')}`);
    // CANVAS_SCREENSHOT=<file.png> saves what the page shows (a visual check of the drawing).
    if (process.env.CANVAS_SCREENSHOT) await page.screenshot({ path: process.env.CANVAS_SCREENSHOT });
    if (process.env.CANVAS_DIAG) {
      const d = await page.evaluate(() =>
        (window as unknown as { __diag: (n: number) => number[][] }).__diag(40),
      );
      const med = (i: number) =>
        percentile(
          d.map((r) => r[i] ?? 0),
          50,
        );
      console.log('per-layer p50 ms (image, annotations, overlay):', med(0), med(1), med(2));
    }
    const results = await page.evaluate(
      (n) => (window as unknown as { __runBench: (n: number) => Promise<PageResults> }).__runBench(n),
      FRAMES,
    );
    return rows(results);
  } finally {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await run()) {
    console.log(`${row.case.padEnd(34)} ${row.value.toFixed(2).padStart(9)} ${row.unit}  ${row.note ?? ''}`);
  }
}
