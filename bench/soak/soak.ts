/**
 * `npm run soak [-- --minutes 30] [--kill-every-s 150] [--seed 1] [--keep]`: mixed edits, text prompts
 * (starter model), imports and exports against browser mode (a server process on 127.0.0.1) from this
 * driver, with the server killed (SIGKILL) every few minutes and started again. Every acknowledged edit is
 * recorded; at the end (after a last kill) each must be in the project, and PRAGMA integrity_check must
 * say ok. Prints a summary; exits 1 if anything acknowledged is missing or the file is damaged. Not run by
 * CI or npm test.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { PROJECT_DB_FILE } from '../../src-main/core/db/open-db';
import { seededRandom } from '../../src-main/core/random';
import { EditLedger, type AnnotationState } from './edit-ledger';
import { ServerProcess, type CallResult } from './server-process';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'kill-every-s': { type: 'string', default: '150' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const MINUTES = Number(flags.minutes);
const KILL_EVERY_MS = Number(flags['kill-every-s']) * 1000;
const SEED = Number(flags.seed);
if (!(MINUTES > 0) || !(KILL_EVERY_MS > 0))
  throw new Error('--minutes and --kill-every-s must be positive numbers');

const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple'] as const;
const RGB: Record<(typeof COLOURS)[number], [number, number, number]> = {
  red: [220, 30, 30],
  green: [30, 170, 40],
  blue: [30, 60, 220],
  yellow: [240, 220, 40],
  orange: [245, 140, 20],
  purple: [130, 40, 170],
};
const WIDTH_PX = 128;
const HEIGHT_PX = 96;

const random = seededRandom(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const root = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-soak-'));
const projectDir = path.join(root, 'project');
const server = new ServerProcess(path.join(root, 'data'));
const ledger = new EditLedger();
const errors = new Map<string, number>();
/** The first message of each error code other than the connection cut by a kill. */
const firstMessages = new Map<string, string>();
const tally = { prompts: 0, kills: 0, restarts: 0, importsAcked: 0, exportsAcked: 0, exportsFound: 0 };
const importedNames = { acked: new Set<string>(), unanswered: new Set<string>() };
const deadline = Date.now() + MINUTES * 60_000;
let imageIds: number[] = [];
let labelIds: number[] = [];
const revisions = new Map<number, number>();
let nextClientId = 0;
let nextBatch = 0;

async function call(group: string, method: string, input: unknown): Promise<CallResult> {
  const r = await server.call(group, method, input);
  if (!r.ok) {
    errors.set(r.code, (errors.get(r.code) ?? 0) + 1);
    if (r.code !== 'connection' && !firstMessages.has(r.code))
      firstMessages.set(r.code, `${group}.${method}: ${r.message}`);
  }
  return r;
}

/** A call that must succeed for the soak to go on (set-up, reopening after a restart). */
async function must<T>(group: string, method: string, input: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const r = await call(group, method, input);
    if (r.ok) return r.value as T;
    if (r.code !== 'connection' || attempt >= 5)
      throw new Error(`${group}.${method}: ${r.code}: ${r.message}`);
  }
}

async function writeImage(file: string, colour: (typeof COLOURS)[number]): Promise<void> {
  const [r, g, b] = RGB[colour];
  const w = int(20, 60);
  const h = int(16, 40);
  const patch = await sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
  await sharp({
    create: { width: WIDTH_PX, height: HEIGHT_PX, channels: 3, background: { r: 128, g: 128, b: 128 } },
  })
    .composite([{ input: patch, left: int(0, WIDTH_PX - w), top: int(0, HEIGHT_PX - h) }])
    .png()
    .toFile(file);
}

/** A folder of new images with names never used before. */
async function imageBatch(count: number): Promise<{ dir: string; names: string[] }> {
  const dir = path.join(root, 'incoming', `batch-${nextBatch++}`);
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${path.basename(dir)}-${i}.png`;
    await writeImage(path.join(dir, name), pick(COLOURS));
    names.push(name);
  }
  return { dir, names };
}

async function refreshImages(): Promise<void> {
  const r = await call('images', 'list', { limit: 1000 });
  if (r.ok) imageIds = (r.value as { items: { id: number }[] }).items.map((i) => i.id);
}

async function revisionOf(imageId: number): Promise<number | undefined> {
  const known = revisions.get(imageId);
  if (known !== undefined) return known;
  const r = await call('annotations', 'list', { imageId });
  if (!r.ok) return undefined;
  const revision = (r.value as { revision: number }).revision;
  revisions.set(imageId, revision);
  return revision;
}

function randomGeometry(): unknown {
  const x = int(0, WIDTH_PX - 20);
  const y = int(0, HEIGHT_PX - 20);
  if (random() < 0.5) return { kind: 'box', x, y, widthPx: int(4, 19), heightPx: int(4, 19) };
  return { kind: 'polygon', rings: [[x, y, x + int(5, 19), y + int(0, 5), x + int(0, 9), y + int(5, 19)]] };
}

type PatchOp =
  | { kind: 'add'; clientId: string; labelId: number; geometry: unknown; source: 'manual' | 'text' }
  | { kind: 'update'; clientId: string; id: number; labelId: number; geometry: unknown }
  | { kind: 'remove'; clientId: string; id: number };

/** One patch of one image: acknowledged, refused (nothing applied), or unanswered (maybe applied). */
async function applyPatch(imageId: number, ops: readonly PatchOp[]): Promise<void> {
  const baseRevision = await revisionOf(imageId);
  if (baseRevision === undefined) return;
  const patch = {
    added: ops.flatMap((o) =>
      o.kind === 'add'
        ? [{ clientId: o.clientId, labelId: o.labelId, geometry: o.geometry, score: null, source: o.source }]
        : [],
    ),
    updated: ops.flatMap((o) =>
      o.kind === 'update' ? [{ id: o.id, labelId: o.labelId, geometry: o.geometry }] : [],
    ),
    removed: ops.flatMap((o) => (o.kind === 'remove' ? [o.id] : [])),
  };
  const stateAfter = (o: PatchOp): AnnotationState =>
    o.kind === 'remove'
      ? { kind: 'absent' }
      : { kind: 'present', imageId, labelId: o.labelId, geometry: o.geometry };
  const r = await call('annotations', 'applyPatch', { imageId, baseRevision, patch });
  if (r.ok) {
    const value = r.value as { revision: number; added: { clientId: string; id: number }[] };
    revisions.set(imageId, value.revision);
    const ids = new Map(value.added.map((a) => [a.clientId, a.id]));
    for (const o of ops) ledger.acknowledged(o.clientId, stateAfter(o), ids.get(o.clientId));
    return;
  }
  revisions.delete(imageId);
  if (r.code === 'connection') for (const o of ops) ledger.unanswered(o.clientId, stateAfter(o));
}

/** Hand edits on images whose id % 3 is `slot` (0 or 1): adds, moves, relabels and deletes. */
async function editor(slot: number): Promise<void> {
  while (Date.now() < deadline) {
    const mine = imageIds.filter((id) => id % 3 === slot);
    if (mine.length === 0) {
      await sleep(200);
      continue;
    }
    const imageId = pick(mine);
    const existing = ledger.editable(imageId);
    const roll = random();
    const ops: PatchOp[] = [];
    if (existing.length === 0 || roll < 0.5) {
      for (let i = int(1, 3); i > 0; i--)
        ops.push({
          kind: 'add',
          clientId: `c${nextClientId++}`,
          labelId: pick(labelIds),
          geometry: randomGeometry(),
          source: 'manual',
        });
    } else {
      const target = pick(existing);
      ops.push(
        roll < 0.8
          ? { kind: 'update', ...target, labelId: pick(labelIds), geometry: randomGeometry() }
          : { kind: 'remove', ...target },
      );
    }
    await applyPatch(imageId, ops);
    await sleep(int(50, 250));
  }
}

/** Text prompts (starter model) on images whose id % 3 is 2; the best instance is kept as a mask. */
async function prompter(): Promise<void> {
  while (Date.now() < deadline) {
    const mine = imageIds.filter((id) => id % 3 === 2);
    if (mine.length === 0) {
      await sleep(200);
      continue;
    }
    const imageId = pick(mine);
    const r = await call('inference', 'segmentText', {
      imageId,
      prompts: [pick(COLOURS)],
      refine: random() < 0.5,
    });
    if (r.ok) {
      tally.prompts++;
      const best = (r.value as { instances: { rle: unknown }[] }).instances[0];
      if (best)
        await applyPatch(imageId, [
          {
            kind: 'add',
            clientId: `c${nextClientId++}`,
            labelId: pick(labelIds),
            geometry: { kind: 'mask', rle: best.rle },
            source: 'text',
          },
        ]);
    }
    await sleep(int(50, 300));
  }
}

async function importer(): Promise<void> {
  while (Date.now() < deadline) {
    await sleep(int(10_000, 25_000));
    if (Date.now() >= deadline) return;
    const batch = await imageBatch(int(2, 4));
    const r = await call('images', 'import', { paths: [batch.dir] });
    const into = r.ok ? importedNames.acked : r.code === 'connection' ? importedNames.unanswered : null;
    if (r.ok) tally.importsAcked++;
    for (const name of into ? batch.names : []) into?.add(name);
    await refreshImages();
  }
}

async function exporter(): Promise<void> {
  const formats = ['coco', 'yolo-seg', 'voc', 'labelme'] as const;
  for (let n = 0; Date.now() < deadline; n++) {
    await sleep(int(20_000, 40_000));
    if (Date.now() >= deadline) return;
    const outDir = path.join(root, 'exports', `export-${n}`);
    const r = await call('exports', 'run', { format: pick(formats), outDir, imageFiles: 'link' });
    if (!r.ok) continue;
    tally.exportsAcked++;
    if (existsSync(outDir) && readdirSync(outDir).length > 0) tally.exportsFound++;
  }
}

/** kill -9 at a random moment every KILL_EVERY_MS or so, then start again and reopen the project. */
async function killer(): Promise<void> {
  for (;;) {
    const waitMs = KILL_EVERY_MS * (0.5 + random());
    if (Date.now() + waitMs >= deadline) return;
    await sleep(waitMs);
    // Kill with an edit in flight when one comes within two seconds (a crash mid-write), else as it is.
    for (let i = 0; i < 400 && !server.inFlight.get('annotations.applyPatch'); i++) await sleep(5);
    await server.kill();
    tally.kills++;
    await server.start(async (direct) => {
      const r = await direct('projects', 'open', { dir: projectDir });
      if (!r.ok) throw new Error(`reopening the project after a kill: ${r.code}: ${r.message}`);
    });
    tally.restarts++;
  }
}

async function main(): Promise<void> {
  await server.start();
  await must('projects', 'create', { dir: projectDir, name: 'soak' });
  labelIds = (await must<{ id: number }[]>('labels', 'ensure', { names: ['thing', 'other'] })).map(
    (l) => l.id,
  );
  const first = await imageBatch(12);
  await must('images', 'import', { paths: [first.dir] });
  for (const name of first.names) importedNames.acked.add(name);
  await refreshImages();

  const started = Date.now();
  await Promise.all([editor(0), editor(1), prompter(), importer(), exporter(), killer()]);
  // The last crash: the project is checked as a kill -9 leaves it.
  await server.kill();
  tally.kills++;

  const db = new Database(path.join(projectDir, PROJECT_DB_FILE), { fileMustExist: true });
  const integrity = db.pragma('integrity_check', { simple: true }) as string;
  const rows = (
    db
      .prepare('SELECT client_id, image_id, label_id, geometry FROM annotations WHERE client_id IS NOT NULL')
      .all() as {
      client_id: string;
      image_id: number;
      label_id: number;
      geometry: string;
    }[]
  ).map((r) => ({
    clientId: r.client_id,
    imageId: r.image_id,
    labelId: r.label_id,
    geometry: JSON.parse(r.geometry) as unknown,
  }));
  const names = new Set(db.prepare('SELECT name FROM images').pluck().all() as string[]);
  db.close();
  const edits = ledger.check(rows);
  const importsMissing = [...importedNames.acked].filter((n) => !names.has(n));

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const byCode =
    [...errors]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ') || 'none';
  const ok = edits.mismatches.length === 0 && importsMissing.length === 0 && integrity === 'ok';
  const lines = [
    `RadioLabel soak: ${minutes} min against browser mode on 127.0.0.1 (seed ${SEED}, a kill -9 every ~${KILL_EVERY_MS / 1000} s)`,
    `  edits acknowledged   ${edits.acknowledged}, present ${edits.present}, missing or wrong ${edits.mismatches.length}`,
    `  edits unanswered     ${edits.unanswered} (in flight at a kill: either outcome accepted)`,
    `  prompts answered     ${tally.prompts}`,
    `  imports acknowledged ${tally.importsAcked} (${importedNames.acked.size} images incl. the first 12), present ${importedNames.acked.size - importsMissing.length}; unanswered ${importedNames.unanswered.size} images`,
    `  exports acknowledged ${tally.exportsAcked}, with files ${tally.exportsFound}`,
    `  kills (SIGKILL)      ${tally.kills} (the last at the end), restarts ${tally.restarts}`,
    `  errors by code       ${byCode}`,
    ...[...firstMessages].map(([code, message]) => `    first ${code}: ${message.slice(0, 200)}`),
    `  integrity_check      ${integrity}`,
    `  result               ${ok ? 'PASS' : 'FAIL'}`,
    ...edits.mismatches.slice(0, 20).map((m) => `    ${m}`),
    ...importsMissing.slice(0, 20).map((n) => `    import missing: ${n}`),
  ];
  console.log(lines.join('\n'));
  if (flags.keep) console.log(`  kept: ${root}`);
  else rmSync(root, { recursive: true, force: true });
  process.exitCode = ok ? 0 : 1;
}

main().catch(async (e: unknown) => {
  console.error(`soak: ${(e as Error).message}`);
  await server.kill();
  process.exitCode = 1;
});
