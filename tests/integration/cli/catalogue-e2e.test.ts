import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine, type InferenceEngine } from '../../../src-main/core/inference';
import { readManifest } from '../../../src-main/core/models/verify';
import { decodeRle } from '../../../src-main/core/segment/rle';
import { segmentImageFile } from '../../../src-main/core/segment/segment-image';
import { radiolabel } from '../../fixtures/cli/radiolabel';
import { readNpz, readNpzWithNumpy } from '../../fixtures/inference/npz-reader';
import { startHubServer, type HubServer } from '../../fixtures/models/hub-server';
import {
  OFFICIAL_ID,
  OFFICIAL_RADIO,
  OFFICIAL_RADIO_REPO,
  OFFICIAL_SAM,
  officialRepos,
  writeOfficialCatalogue,
} from '../../fixtures/models/official-hub';
import { writeReposToDir } from '../../fixtures/models/synthetic-hub';
import { cosine } from '../../fixtures/radio/compare';
import { shapeOnTexture } from '../core/inference/synthetic-images';

/**
 * Issue 11's end-to-end path with the built-in converters and nothing faked: synthetic checkpoints in the
 * official layouts (RADIO with siglip2-g + sam adaptors, a SigLIP2 model folder with tokenizer.json, SAM
 * weights), installed through the CLI from a hand-filled folder and from a local hub (--mirror), verified,
 * and used by `embed`, `segment --text`, `segment --click` (SAM decoder), `tag` and `features`.
 */

const ACCEPT = ['--accept-licence', 'test-open', '--accept-licence', 'apache-2.0'];
/** SAM's frame is 256 px (16×16 grid, 16-px patches): the plan builds the encoder at that size. */
const SAM_FRAME_PX = OFFICIAL_SAM.imageSize;
const BUNDLE_ID = `${OFFICIAL_ID}-${SAM_FRAME_PX}-fp32`;
const GRID = SAM_FRAME_PX / OFFICIAL_RADIO.patchSize;

let tmp: string;
let hub: HubServer;
let fromDir: string;
let cataloguePath: string;
let dataDir: string;
let photo: string;
let engine: InferenceEngine | undefined;

const cli = (...argv: string[]) => radiolabel(dataDir, argv, { cataloguePath });
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-catalogue-e2e-'));
  const repos = officialRepos();
  hub = await startHubServer(repos);
  fromDir = path.join(tmp, 'copied-by-hand');
  writeReposToDir(fromDir, repos);
  cataloguePath = writeOfficialCatalogue(path.join(tmp, 'catalogue.json'));
  dataDir = path.join(tmp, 'data');
  mkdirSync(path.join(tmp, 'photos'));
  photo = path.join(tmp, 'photos', 'cup.png');
  await shapeOnTexture(photo, { widthPx: 300, heightPx: 200, rgb: [200, 60, 40], rect: [40, 30, 140, 120] });
  await shapeOnTexture(path.join(tmp, 'photos', 'tall.png'), {
    widthPx: 120,
    heightPx: 240,
    rgb: [40, 160, 60],
    rect: [20, 100, 90, 200],
  });
});

afterAll(async () => {
  await engine?.dispose();
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The app's engine over the CLI's data folder, for values the CLI's answers are checked against. */
function appEngine(): InferenceEngine {
  engine ??= createInferenceEngine({ dataDir });
  return engine;
}

describe('catalogue install with the built-in converters, then every command', () => {
  it('models install <id> --from-dir: plans SAM input size, converts encoder + text tower + SAM decoder', async () => {
    const r = await cli('models', 'install', OFFICIAL_ID, '--from-dir', fromDir, ...ACCEPT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({ installed: BUNDLE_ID, dir: path.join(dataDir, 'models', BUNDLE_ID) });
    expect(r.stderr).toContain(
      `Click decoder: the encoder is built at ${SAM_FRAME_PX} × ${SAM_FRAME_PX} px, SAM's own input size, so clicks and boxes get full-resolution SAM masks (chosen because the SAM adaptor is included)`,
    );
    expect(readdirSync(path.join(dataDir, 'models'))).toEqual([BUNDLE_ID]); // no staging left
    const m = await readManifest(path.join(dataDir, 'models', BUNDLE_ID));
    expect(m.encoder.resolution).toEqual({ kind: 'fixed', width: SAM_FRAME_PX, height: SAM_FRAME_PX });
    expect(Object.keys(m.encoder.outputs).sort()).toEqual([
      'features',
      'sam_features',
      'summary',
      'text_dense',
      'text_summary',
    ]);
    expect(m.encoder.external_data.map((d) => d.file)).toEqual(['encoder.onnx.data']);
    expect(m.text).toMatchObject({ file: 'text.onnx', tokenizer: 'tokenizer.json', dim: 32, max_length: 64 });
    expect(m.mask_decoder).toMatchObject({
      file: 'sam_decoder.onnx',
      input_size: SAM_FRAME_PX,
      embedding_grid: GRID,
      neck: { file: 'sam_neck.onnx' },
    });
    expect(m.license).toBe('Test Open Licence; Apache License 2.0');
  });

  it('models verify runs every graph of the installed bundle', async () => {
    const r = await cli('models', 'verify', BUNDLE_ID);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, id: BUNDLE_ID });
  });

  it('models install over HTTP from the local hub (--mirror) writes the same bundle, byte for byte', async () => {
    const otherData = path.join(tmp, 'data-from-hub');
    const r = await radiolabel(
      otherData,
      ['models', 'install', OFFICIAL_ID, '--mirror', hub.url, ...ACCEPT],
      { cataloguePath },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`downloading ${OFFICIAL_RADIO_REPO}/`);
    const fromHub = path.join(otherData, 'models', BUNDLE_ID);
    const fromFolder = path.join(dataDir, 'models', BUNDLE_ID);
    const files = readdirSync(fromFolder).sort();
    expect(readdirSync(fromHub).sort()).toEqual(files);
    expect(files).toEqual([
      'encoder.onnx',
      'encoder.onnx.data',
      'manifest.json',
      'sam_decoder.onnx',
      'sam_neck.onnx',
      'text.onnx',
      'text.onnx.data',
      'tokenizer.json',
    ]);
    for (const f of files) expect(sha256(path.join(fromHub, f)), f).toBe(sha256(path.join(fromFolder, f)));
    const fetched = hub.log.filter((q) => q.origin === 'cdn').map((q) => q.path);
    expect(fetched.some((p) => p.endsWith('.pth.tar'))).toBe(false);
    expect(fetched).toContain(`/cdn/${OFFICIAL_RADIO_REPO}/model.safetensors`);
  });

  it('embed fills a project cache with the installed model', async () => {
    const project = path.join(tmp, 'project');
    expect((await cli('project', 'create', project, '--name', 'E2E')).code).toBe(0);
    expect((await cli('import', project, path.join(tmp, 'photos'))).code).toBe(0);
    const r = await cli('embed', project, '--model', BUNDLE_ID);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      model: BUNDLE_ID,
      images: 2,
      embedded: 2,
      cached: 0,
      job: { state: 'done' },
    });
    const again = await cli('embed', project, '--model', BUNDLE_ID);
    expect(again.json).toMatchObject({ images: 2, embedded: 0 });
  });

  it('segment --text runs the text path: the same instances as the app, each a non-empty mask', async () => {
    const r = await cli('segment', photo, '--model', BUNDLE_ID, '--text', 'cat');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as {
      method: string;
      width: number;
      height: number;
      instances: { rle: never; area: number }[];
    };
    expect([out.method, out.width, out.height]).toEqual(['text', 300, 200]);
    expect(out.instances.length).toBeGreaterThan(0);
    for (const inst of out.instances) {
      const mask = decodeRle(inst.rle);
      expect(mask.reduce((s, v) => s + v, 0)).toBe(inst.area);
      expect(inst.area).toBeGreaterThan(0);
    }
    const app = await segmentImageFile(appEngine(), photo, BUNDLE_ID, { kind: 'text', prompts: ['cat'] });
    expect(out.instances.map((i) => i.rle)).toEqual(app.instances.map((i) => i.rle));
  });

  it('segment --click goes through the converted SAM decoder and gives one non-empty mask', async () => {
    const r = await cli('segment', photo, '--model', BUNDLE_ID, '--click', '90,70');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as {
      method: string;
      instances: { rle: never; area: number; bbox: number[]; score: number }[];
    };
    expect(out.method).toBe('decoder');
    expect(out.instances).toHaveLength(1);
    const inst = out.instances[0]!;
    const mask = decodeRle(inst.rle);
    expect(mask.length).toBe(300 * 200);
    expect(inst.area).toBe(mask.reduce((s, v) => s + v, 0));
    expect(inst.area).toBeGreaterThan(0);
    const app = await segmentImageFile(appEngine(), photo, BUNDLE_ID, {
      kind: 'prompt',
      clicks: [{ xPx: 90, yPx: 70, positive: true }],
    });
    expect(app.method).toBe('decoder');
    expect(inst.rle).toEqual(app.instances[0]?.rle);
  });

  it('tag ranks the labels by cosine between text_summary and the label embeddings', async () => {
    const labels = ['cat', 'dog', 'car', 'tree'];
    const r = await cli('tag', photo, '--model', BUNDLE_ID, '--labels', labels.join(','));
    expect(r.code, r.stderr).toBe(0);
    const tags = (r.json as { tags: { label: string; score: number }[] }).tags;
    const e = await appEngine().embedImageFile(photo, BUNDLE_ID);
    const texts = await appEngine().embedTexts(BUNDLE_ID, labels);
    const expected = labels
      .map((label, i) => ({ label, score: cosine(e.textSummary!, texts[i]!) }))
      .sort((a, b) => b.score - a.score);
    expect(tags.map((t) => t.label)).toEqual(expected.map((t) => t.label));
    tags.forEach((t, i) => expect(t.score).toBeCloseTo(expected[i]!.score, 5));
    expect(new Set(tags.map((t) => t.score)).size).toBe(labels.length);
  });
});

describe('radiolabel features <image> --model <id> --out <file.npz>', () => {
  it('writes every encoder output as float32 .npy entries that NumPy and an independent reader load', async () => {
    const out = path.join(tmp, 'cup-features.npz');
    const r = await cli('features', photo, '--model', BUNDLE_ID, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const summaryDim = OFFICIAL_RADIO.teachers.filter((t) => t.summary).length * OFFICIAL_RADIO.embedDim;
    const tokens = GRID * GRID;
    const shapes = {
      summary: [1, summaryDim],
      features: [1, tokens, OFFICIAL_RADIO.embedDim],
      text_dense: [1, tokens, 32],
      text_summary: [1, 32],
      sam_features: [1, tokens, 40],
    };
    expect(r.json).toMatchObject({
      model: BUNDLE_ID,
      out,
      input: { widthPx: SAM_FRAME_PX, heightPx: SAM_FRAME_PX },
      patchSizePx: 16,
    });
    const listed = (r.json as { arrays: { name: string; shape: number[]; grid?: number[] }[] }).arrays;
    expect(Object.fromEntries(listed.map((a) => [a.name, a.shape]))).toEqual(shapes);
    expect(listed.find((a) => a.name === 'features')?.grid).toEqual([GRID, GRID]);

    // The engine's own outputs for the same image: the file holds exactly these values.
    const run = await appEngine().encodeImageFile(photo, BUNDLE_ID);
    const ours = readNpz(out);
    expect([...ours.keys()].sort()).toEqual(Object.keys(shapes).sort());
    for (const [name, want] of Object.entries(run.outputs)) {
      const got = ours.get(name)!;
      expect(got.shape, name).toEqual(want.dims);
      expect(got.fortranOrder).toBe(false);
      expect(Buffer.from(got.data.buffer).equals(Buffer.from(want.data.buffer)), name).toBe(true);
    }
    const e = await appEngine().embedImageFile(photo, BUNDLE_ID);
    expect(Array.from(ours.get('features')!.data)).toEqual(Array.from(e.features.data));

    const np = readNpzWithNumpy(out);
    if (!np.ok) {
      console.log(`skipping the NumPy read-back: ${np.reason}`);
      return;
    }
    expect(Object.keys(np.arrays).sort()).toEqual(Object.keys(shapes).sort());
    for (const [name, a] of Object.entries(np.arrays)) {
      expect([a.dtype, a.shape], name).toEqual(['float32', shapes[name as keyof typeof shapes]]);
      expect(a.values, name).toEqual(Array.from(ours.get(name)!.data));
    }
  });

  it('refuses an --out that is not .npz or whose folder is missing, and writes nothing', async () => {
    const bad = await cli('features', photo, '--model', BUNDLE_ID, '--out', path.join(tmp, 'x.npy'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--out: the output file must end in .npz');
    const missing = path.join(tmp, 'no-such-folder', 'x.npz');
    const gone = await cli('features', photo, '--model', BUNDLE_ID, '--out', missing);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`the folder for ${missing} does not exist`);
    expect(existsSync(path.dirname(missing))).toBe(false);
    const noModel = await cli('features', photo, '--out', path.join(tmp, 'y.npz'));
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('missing required option --model');
  });
});
