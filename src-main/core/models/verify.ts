import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type DecoderFeed, buildDecoderFeeds } from '../segment/sam-decoder';
import {
  checkEncoderGraph,
  checkMaskDecoderGraph,
  checkMaskDecoderNeckGraph,
  checkTextGraph,
  type GraphInfo,
} from './graph-check';
import {
  BundleError,
  manifestFiles,
  parseManifest,
  type BundleManifest,
  type GridOutputSpec,
} from './manifest';

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A manifest is a few kilobytes; anything near this is not one. */
export const MAX_MANIFEST_BYTES = 2 ** 20;

/**
 * `<dir>/<rel>` as a regular file inside `dir`: every component is checked with lstat, so a symbolic link
 * anywhere on the way is refused, never followed (and its target is never read or quoted).
 */
export async function regularFileInside(
  dir: string,
  rel: string,
  bundle: string,
  field: string,
): Promise<{ path: string; size: number; mtimeMs: number }> {
  let cur = dir;
  const parts = rel.split('/');
  for (const [i, part] of parts.entries()) {
    cur = path.join(cur, part);
    let st;
    try {
      st = await lstat(cur);
    } catch {
      throw new BundleError(bundle, field, `file not found: ${path.join(dir, rel)}`);
    }
    if (st.isSymbolicLink()) {
      throw new BundleError(bundle, field, `${cur} is a symbolic link; a bundle holds regular files only`);
    }
    const last = i === parts.length - 1;
    if (last && !st.isFile()) throw new BundleError(bundle, field, `not a regular file: ${cur}`);
    if (!last && !st.isDirectory()) throw new BundleError(bundle, field, `not a folder: ${cur}`);
    if (last) return { path: cur, size: st.size, mtimeMs: st.mtimeMs };
  }
  throw new BundleError(bundle, field, `empty file name`);
}

/** Parses manifest text without ever quoting it back: a wrong file's content stays out of error messages. */
export function parseManifestText(text: string, label: string): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError(label, 'manifest.json', 'not valid JSON');
  }
  return parseManifest(json, label);
}

/** Reads and validates `<dir>/manifest.json` (a regular file of at most 1 MiB). */
export async function readManifest(dir: string): Promise<BundleManifest> {
  const label = path.basename(dir);
  const file = await regularFileInside(dir, 'manifest.json', label, 'manifest.json');
  if (file.size > MAX_MANIFEST_BYTES) {
    throw new BundleError(label, 'manifest.json', `${file.size} bytes; a manifest may be at most 1 MiB`);
  }
  return parseManifestText(await readFile(file.path, 'utf8'), label);
}

/**
 * sha256 checks are memoised per (path, size, mtime): models are checked before every first load, but a
 * 2 GB file should be hashed once per process, not once per session.
 */
const verifiedFiles = new Map<string, string>();

/**
 * Every referenced file is a regular file inside `dir` (no symbolic links), has the size the manifest
 * states (when it states one) and matches its sha256; throws BundleError naming the field.
 */
export async function verifyBundleFiles(dir: string, m: BundleManifest): Promise<void> {
  for (const f of manifestFiles(m)) {
    const st = await regularFileInside(dir, f.file, m.id, f.field);
    if (f.bytes !== undefined && st.size !== f.bytes) {
      throw new BundleError(m.id, f.field, `${st.path} is ${st.size} bytes; the manifest states ${f.bytes}`);
    }
    const memoKey = `${st.path}|${st.size}|${st.mtimeMs}`;
    if (verifiedFiles.get(memoKey) === f.sha256) continue;
    const actual = await sha256File(st.path);
    if (actual !== f.sha256) {
      throw new BundleError(
        m.id,
        f.field,
        `sha256 mismatch for ${st.path}: manifest says ${f.sha256}, file is ${actual}`,
      );
    }
    verifiedFiles.set(memoKey, actual);
  }
}

/** Loads each ONNX file's input/output metadata (from a real session) and checks it against the manifest. */
export async function verifyBundleGraphs(
  dir: string,
  m: BundleManifest,
  loadGraphInfo: (onnxPath: string) => Promise<GraphInfo>,
): Promise<void> {
  checkEncoderGraph(m, await loadGraphInfo(path.join(dir, m.encoder.file)));
  if (m.text) checkTextGraph(m, await loadGraphInfo(path.join(dir, m.text.file)));
  if (m.mask_decoder) checkMaskDecoderGraph(m, await loadGraphInfo(path.join(dir, m.mask_decoder.file)));
  if (m.mask_decoder?.neck) {
    checkMaskDecoderNeckGraph(m, await loadGraphInfo(path.join(dir, m.mask_decoder.neck.file)));
  }
}

/** Runs one ONNX file once (the inference worker's `run`): output name → dims + float32 data. */
export type GraphRunner = (
  onnxPath: string,
  feeds: Record<string, DecoderFeed>,
  outputNames: string[],
) => Promise<Record<string, { dims: number[]; data: Float32Array }>>;

/** Output dims of each graph's smoke run, by manifest role. */
export interface SmokeRunReport {
  readonly encoder: { readonly inputDims: number[]; readonly outputs: Record<string, number[]> };
  readonly text?: { readonly outputDims: number[] };
  readonly maskDecoder?: { readonly outputs: Record<string, number[]> };
}

/**
 * The encoder's smoke-run input: small, and non-square wherever the policy lets the app feed
 * non-square images (short_side), since a graph that only runs square inputs fails on most photos.
 */
export function smokeInputSize(m: BundleManifest): { widthPx: number; heightPx: number } {
  const r = m.encoder.resolution;
  switch (r.kind) {
    case 'fixed':
      return { widthPx: r.width, heightPx: r.height };
    case 'short_side': {
      const cap = Math.max(r.step, Math.floor(r.max / r.step) * r.step);
      return { heightPx: Math.min(cap, 2 * r.step), widthPx: Math.min(cap, 3 * r.step) };
    }
  }
}

const fmt = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

function checkFinite(bundle: string, field: string, name: string, data: Float32Array): void {
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new BundleError(
      bundle,
      field,
      `smoke run: "${name}" has a non-finite value (${data[bad]}) at ${bad}`,
    );
  }
}

/** Checks a grid output's dims against the patch grid; returns the upsampling factor (1 unless SAM-like). */
function checkGrid(
  m: BundleManifest,
  field: string,
  spec: GridOutputSpec,
  dims: readonly number[],
  rows: number,
  cols: number,
  channels?: number,
): { factor: number; channels: number } {
  const fail = (want: string): never => {
    throw new BundleError(
      m.id,
      field,
      `smoke run: "${spec.name}" is ${fmt(dims)}, expected ${want} for a ${rows}×${cols} patch grid`,
    );
  };
  const c = spec.layout === 'NLC' ? dims[2] : dims[1];
  const want = spec.layout === 'NLC' ? `[1, ${rows * cols}·u², C]` : `[1, C, ${rows}·u, ${cols}·u]`;
  if (dims.length !== (spec.layout === 'NLC' ? 3 : 4) || dims[0] !== 1 || c === undefined) return fail(want);
  let factor: number;
  if (spec.layout === 'NLC') {
    factor = Math.round(Math.sqrt((dims[1] ?? 0) / (rows * cols)));
    if (factor < 1 || (dims[1] ?? 0) !== rows * cols * factor * factor) return fail(want);
  } else {
    factor = Math.round((dims[2] ?? 0) / rows);
    if (factor < 1 || dims[2] !== rows * factor || dims[3] !== cols * factor) return fail(want);
  }
  if (channels !== undefined && c !== channels) return fail(`${channels} channels (text.dim)`);
  return { factor, channels: c };
}

/**
 * Runs each graph once on a small input (`models verify`): the encoder at smokeInputSize, the text tower
 * on two rows, the mask decoder on zero image embeddings of the grid the encoder gives at the manifest's
 * own size. Throws BundleError naming the field when a run fails or an output's shape disagrees with
 * the manifest (patch grid, text.dim, layouts).
 */
export async function smokeRunBundle(
  dir: string,
  m: BundleManifest,
  run: GraphRunner,
): Promise<SmokeRunReport> {
  const e = m.encoder;
  const { widthPx, heightPx } = smokeInputSize(m);
  const rows = heightPx / e.patch_size;
  const cols = widthPx / e.patch_size;
  if (!Number.isInteger(rows) || !Number.isInteger(cols)) {
    throw new BundleError(
      m.id,
      'encoder.patch_size',
      `${widthPx}×${heightPx} is not a whole number of ${e.patch_size}-px patches`,
    );
  }
  const pixels = new Float32Array(3 * widthPx * heightPx);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i % 251) / 250;
  const inputDims = [1, 3, heightPx, widthPx];
  const roles = Object.entries(e.outputs).filter(
    (kv): kv is [string, { name: string }] => kv[1] !== undefined,
  );
  let outs;
  try {
    outs = await run(
      path.join(dir, e.file),
      { [e.input.name]: { type: 'float32', dims: inputDims, data: pixels } },
      roles.map(([, o]) => o.name),
    );
  } catch (err) {
    throw new BundleError(
      m.id,
      'encoder.file',
      `smoke run at ${widthPx}×${heightPx} failed: ${(err as Error).message}`,
    );
  }
  const got = (role: string, name: string): { dims: number[]; data: Float32Array } => {
    const t = outs[name];
    if (!t)
      throw new BundleError(
        m.id,
        `encoder.outputs.${role}.name`,
        `smoke run: the encoder returned no "${name}"`,
      );
    checkFinite(m.id, `encoder.outputs.${role}`, name, t.data);
    return t;
  };
  const summary = got('summary', e.outputs.summary.name);
  if (summary.dims.length !== 2 || summary.dims[0] !== 1) {
    throw new BundleError(
      m.id,
      'encoder.outputs.summary',
      `smoke run: "${e.outputs.summary.name}" is ${fmt(summary.dims)}, expected [1, D]`,
    );
  }
  const textDim = m.text?.dim;
  checkGrid(
    m,
    'encoder.outputs.features',
    e.outputs.features,
    got('features', e.outputs.features.name).dims,
    rows,
    cols,
  );
  if (e.outputs.text_dense) {
    const t = got('text_dense', e.outputs.text_dense.name);
    checkGrid(m, 'encoder.outputs.text_dense', e.outputs.text_dense, t.dims, rows, cols, textDim);
  }
  if (e.outputs.text_summary) {
    const t = got('text_summary', e.outputs.text_summary.name);
    if (t.dims.length !== 2 || t.dims[0] !== 1 || (textDim !== undefined && t.dims[1] !== textDim)) {
      throw new BundleError(
        m.id,
        'encoder.outputs.text_summary',
        `smoke run: "${e.outputs.text_summary.name}" is ${fmt(t.dims)}, expected [1, ${textDim ?? 'T'}]`,
      );
    }
  }
  let sam: { factor: number; channels: number } | undefined;
  if (e.outputs.sam_features) {
    const t = got('sam_features', e.outputs.sam_features.name);
    sam = checkGrid(m, 'encoder.outputs.sam_features', e.outputs.sam_features, t.dims, rows, cols);
  }
  const report: { -readonly [K in keyof SmokeRunReport]: SmokeRunReport[K] } = {
    encoder: {
      inputDims,
      outputs: Object.fromEntries(roles.map(([role, o]) => [role, outs[o.name]?.dims ?? []])),
    },
  };
  if (m.text) report.text = await smokeRunText(dir, m, m.text, run);
  if (m.mask_decoder) {
    if (!sam)
      throw new BundleError(m.id, 'mask_decoder', 'a mask decoder needs encoder.outputs.sam_features');
    report.maskDecoder = await smokeRunDecoder(dir, m, m.mask_decoder, sam, run);
  }
  return report;
}

async function smokeRunText(
  dir: string,
  m: BundleManifest,
  t: NonNullable<BundleManifest['text']>,
  run: GraphRunner,
): Promise<{ outputDims: number[] }> {
  // Two rows (a graph frozen at batch 1 shows here), all pad ids, masks of one and two tokens.
  const len = t.padding === 'max_length' ? t.max_length : Math.min(8, t.max_length);
  const ids = new BigInt64Array(2 * len).fill(BigInt(t.pad_token_id));
  const mask = new BigInt64Array(2 * len);
  mask[0] = 1n;
  mask[len] = 1n;
  mask[len + 1] = 1n;
  const feeds: Record<string, DecoderFeed> = { [t.input_ids]: { type: 'int64', dims: [2, len], data: ids } };
  if (t.attention_mask) feeds[t.attention_mask] = { type: 'int64', dims: [2, len], data: mask };
  let out;
  try {
    out = (await run(path.join(dir, t.file), feeds, [t.output]))[t.output];
  } catch (err) {
    throw new BundleError(m.id, 'text.file', `smoke run on 2 prompts failed: ${(err as Error).message}`);
  }
  if (!out || out.dims.length !== 2 || out.dims[0] !== 2 || out.dims[1] !== t.dim) {
    throw new BundleError(
      m.id,
      'text.dim',
      `smoke run: "${t.output}" is ${fmt(out?.dims ?? [])}, expected [2, ${t.dim}]`,
    );
  }
  checkFinite(m.id, 'text.output', t.output, out.data);
  return { outputDims: out.dims };
}

async function smokeRunDecoder(
  dir: string,
  m: BundleManifest,
  d: NonNullable<BundleManifest['mask_decoder']>,
  sam: { factor: number; channels: number },
  run: GraphRunner,
): Promise<{ outputs: Record<string, number[]> }> {
  // The decoder sees the grid of the encoder at the manifest's own size (SAM's is fixed), so the
  // embeddings are built for that size from the factor the small run showed; values are zeros.
  const r = m.encoder.resolution;
  const [w, h] = r.kind === 'fixed' ? [r.width, r.height] : [r.short_side, r.short_side];
  const gridW = (w / m.encoder.patch_size) * sam.factor;
  const gridH = (h / m.encoder.patch_size) * sam.factor;
  const samFeatures = {
    data: new Float32Array(gridW * gridH * sam.channels),
    gridW,
    gridH,
    dims: sam.channels,
  };
  let imageEmbeddings: DecoderFeed | undefined;
  if (d.neck) {
    // SAM through RADIO: the neck turns the encoder's grid into the decoder's image embedding.
    const neckDims = [1, gridH, gridW, sam.channels];
    let out;
    try {
      out = (
        await run(
          path.join(dir, d.neck.file),
          // A copy: the runner may hand the buffer over to the worker.
          { [d.neck.input]: { type: 'float32', dims: neckDims, data: samFeatures.data.slice() } },
          [d.neck.output],
        )
      )[d.neck.output];
    } catch (err) {
      throw new BundleError(
        m.id,
        'mask_decoder.neck.file',
        `smoke run on a ${fmt(neckDims)} grid failed: ${(err as Error).message}`,
      );
    }
    if (!out || out.dims.length !== 4 || out.dims[0] !== 1) {
      throw new BundleError(
        m.id,
        'mask_decoder.neck.output',
        `smoke run: "${d.neck.output}" is ${fmt(out?.dims ?? [])}, expected [1, C, S, S]`,
      );
    }
    checkFinite(m.id, 'mask_decoder.neck.output', d.neck.output, out.data);
    imageEmbeddings = { type: 'float32', dims: out.dims, data: out.data };
  }
  const feeds = buildDecoderFeeds(
    d,
    {
      samFeatures,
      mapping: {
        imageWidthPx: w,
        imageHeightPx: h,
        inputWidthPx: w,
        inputHeightPx: h,
        patchPx: m.encoder.patch_size,
      },
      clicks: [{ xPx: w / 2, yPx: h / 2, positive: true }],
    },
    imageEmbeddings,
  );
  const names = [d.outputs.masks, ...(d.outputs.scores ? [d.outputs.scores] : [])];
  let outs;
  try {
    outs = await run(path.join(dir, d.file), feeds, names);
  } catch (err) {
    throw new BundleError(
      m.id,
      'mask_decoder.file',
      `smoke run with one click failed: ${(err as Error).message}`,
    );
  }
  const masks = outs[d.outputs.masks];
  if (!masks || masks.dims.length !== 4 || masks.dims[0] !== 1 || (masks.dims[1] ?? 0) < 1) {
    throw new BundleError(
      m.id,
      'mask_decoder.outputs.masks',
      `smoke run: "${d.outputs.masks}" is ${fmt(masks?.dims ?? [])}, expected [1, M, H, W]`,
    );
  }
  checkFinite(m.id, 'mask_decoder.outputs.masks', d.outputs.masks, masks.data);
  if (d.outputs.scores) {
    const scores = outs[d.outputs.scores];
    if (!scores || scores.dims.length !== 2 || scores.dims[0] !== 1 || scores.dims[1] !== masks.dims[1]) {
      throw new BundleError(
        m.id,
        'mask_decoder.outputs.scores',
        `smoke run: "${d.outputs.scores}" is ${fmt(scores?.dims ?? [])}, expected [1, ${masks.dims[1]}]`,
      );
    }
  }
  return { outputs: Object.fromEntries(names.map((n) => [n, outs[n]?.dims ?? []])) };
}

/**
 * Full verification of a bundle folder: manifest, files + hashes, graph names and ranks, and (given a
 * runner) one smoke run of each graph (smokeRunBundle).
 */
export async function verifyBundleDir(
  dir: string,
  loadGraphInfo: (onnxPath: string) => Promise<GraphInfo>,
  run?: GraphRunner,
): Promise<BundleManifest> {
  const m = await readManifest(dir);
  await verifyBundleFiles(dir, m);
  await verifyBundleGraphs(dir, m, loadGraphInfo);
  if (run) await smokeRunBundle(dir, m, run);
  return m;
}
