import path from 'node:path';
import type {
  DenseGrid,
  EmbeddingCacheStore,
  EmbeddingKey,
  MaskDecoderStage,
  PixelPatchMapping,
} from '../embedding-types';
import {
  checkEncoderGraph,
  checkMaskDecoderGraph,
  checkMaskDecoderNeckGraph,
  checkTextGraph,
  type GraphInfo,
} from '../models/graph-check';
import { BundleError, type BundleManifest, type TextTowerSpec } from '../models/manifest';
import {
  builtInModelsDir,
  ModelRegistry,
  userModelsDir,
  type ModelSummary,
  type RegisteredBundle,
} from '../models/registry';
import { verifyBundleDir, verifyBundleFiles } from '../models/verify';
import { fromStored, outputToGrid, toStored, type EngineImageEmbedding } from './embedding-codec';
import { InferenceClient, type WorkerCrashedError } from './inference-client';
import { preprocessImageFile } from './preprocess';
import type { FeedTensor, OutputTensor } from './protocol';
import { parseProvider, type ExecutionProviderName, type ProviderReport } from './providers';
import { canonicalize, TextTokenizer } from './tokenizer';
import { AppError } from '../errors';
import { SettingsStore } from '../settings/settings-store';

export interface EmbedImageOptions {
  /** Cache row to read first and fill after a miss (needs `cache` at engine creation). */
  readonly cacheKey?: EmbeddingKey;
  /** Short side in pixels, replacing the manifest's (short-side policies only). */
  readonly resolution?: number;
  readonly signal?: AbortSignal;
}

/** One encoder pass as the graph gave it: each manifest output (summary, features, …) by its role. */
export interface EncoderRun {
  readonly manifest: BundleManifest;
  readonly mapping: PixelPatchMapping;
  readonly outputs: Readonly<Partial<Record<EncoderOutputRole, OutputTensor>>> & {
    readonly summary: OutputTensor;
    readonly features: OutputTensor;
  };
}

export type EncoderOutputRole = 'summary' | 'features' | 'text_dense' | 'text_summary' | 'sam_features';

export interface InferenceEngine {
  /** Active provider + why a requested one fell back (never silent). */
  readonly provider: ProviderReport;
  listModels(): Promise<ModelSummary[]>;
  getManifest(modelId: string): Promise<BundleManifest>;
  /** Encoder pass on an image file (EXIF-oriented, resized per the manifest policy). Uses the cache when given. */
  embedImageFile(imagePath: string, modelId: string, opts?: EmbedImageOptions): Promise<EngineImageEmbedding>;
  /** The encoder outputs exactly as the graph returns them (float32, graph shapes), never cached. */
  encodeImageFile(
    imagePath: string,
    modelId: string,
    opts?: Omit<EmbedImageOptions, 'cacheKey'>,
  ): Promise<EncoderRun>;
  /** Canonicalise → tokenise → text tower → template average → L2-normalise; cached. */
  embedTexts(modelId: string, texts: readonly string[]): Promise<Float32Array[]>;
  /**
   * Runs the bundle's SAM-style mask decoder with feeds named per manifest.mask_decoder (newest call
   * wins), or with stage "neck" its image-encoder neck (manifest.mask_decoder.neck, once per image).
   */
  runMaskDecoder(
    modelId: string,
    feeds: Record<string, FeedTensor>,
    stage?: MaskDecoderStage,
  ): Promise<Record<string, { dims: number[]; data: Float32Array }>>;
  /** Full check of a bundle (id or folder): manifest, files + sha256, graph names and ranks, one smoke run per graph. */
  verifyModel(idOrDir: string): Promise<{ manifest: BundleManifest; dir: string }>;
  /** Input/output names, types and ranks of any ONNX file, read through the worker (install checks). */
  describeGraph(onnxPath: string): Promise<GraphInfo>;
  /** Forgets verified bundles and releases worker sessions: call after installing or replacing a bundle. */
  reloadModels(): Promise<void>;
  dispose(): Promise<void>;
}

export interface CreateInferenceEngineOptions {
  readonly dataDir: string;
  readonly provider?: ExecutionProviderName;
  readonly cache?: EmbeddingCacheStore;
  /** Extra folders of user bundles (besides `<dataDir>/models`). */
  readonly modelDirs?: string[];
  /** Replaces the built-in `models/` folder (tests). */
  readonly builtInDir?: string;
  readonly onProviderReport?: (r: ProviderReport) => void;
  readonly onWorkerCrash?: (e: WorkerCrashedError) => void;
  /** onnxruntime's telemetry; default: the app setting onnxRuntimeTelemetry (off unless opted in). */
  readonly onnxRuntimeTelemetry?: boolean;
  /** Read per image: convert through embedded ICC profiles (settings.applyIccProfile; default off). */
  readonly applyIccProfile?: () => boolean;
}

interface LoadedBundle {
  readonly bundle: RegisteredBundle;
  text?: Promise<TextTokenizer>;
  maskDecoder?: Promise<void>;
  maskDecoderNeck?: Promise<void>;
}

/** Prompts per text-tower run: keeps a 1,000-label × 8-template request from allocating one huge batch. */
const TEXT_CHUNK_ROWS = 64;

const l2normalize = (v: Float32Array): number => {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return n;
};

function copyFeed(t: FeedTensor): FeedTensor {
  switch (t.type) {
    case 'float32':
      return { type: 'float32', dims: [...t.dims], data: t.data.slice() };
    case 'int64':
      return { type: 'int64', dims: [...t.dims], data: t.data.slice() };
  }
}

export function createInferenceEngine(opts: CreateInferenceEngineOptions): InferenceEngine {
  const requested = parseProvider(opts.provider ?? 'cpu');
  const registry = new ModelRegistry(opts.builtInDir ?? builtInModelsDir(), [
    userModelsDir(opts.dataDir),
    ...(opts.modelDirs ?? []),
  ]);
  const client = new InferenceClient({
    provider: requested,
    onProviderReport: opts.onProviderReport,
    onCrash: opts.onWorkerCrash,
    onnxRuntimeTelemetry:
      opts.onnxRuntimeTelemetry ?? new SettingsStore(opts.dataDir).get().onnxRuntimeTelemetry,
  });
  const loaded = new Map<string, Promise<LoadedBundle>>();
  const textMemo = new Map<string, Float32Array>();

  async function loadBundle(modelId: string): Promise<LoadedBundle> {
    let p = loaded.get(modelId);
    if (!p) {
      p = (async () => {
        const bundle = await registry.get(modelId);
        await verifyBundleFiles(bundle.dir, bundle.manifest);
        checkEncoderGraph(
          bundle.manifest,
          await client.describe(path.join(bundle.dir, bundle.manifest.encoder.file)),
        );
        return { bundle };
      })();
      p.catch(() => loaded.delete(modelId));
      loaded.set(modelId, p);
    }
    return p;
  }

  async function textTokenizer(modelId: string): Promise<{ lb: LoadedBundle; tok: TextTokenizer }> {
    const lb = await loadBundle(modelId);
    const { manifest: m, dir } = lb.bundle;
    const spec = m.text;
    if (!spec) throw new BundleError(m.id, 'text', 'this model has no text tower, so it cannot embed text');
    if (!lb.text) {
      lb.text = (async () => {
        checkTextGraph(m, await client.describe(path.join(dir, spec.file)));
        return TextTokenizer.load(dir, spec, m.id, m.is_starter ? 'starter' : `"${m.name}"`);
      })();
      lb.text.catch(() => (lb.text = undefined));
    }
    return { lb, tok: await lb.text };
  }

  async function encodeImageFile(
    imagePath: string,
    modelId: string,
    o: Omit<EmbedImageOptions, 'cacheKey'> = {},
  ): Promise<EncoderRun> {
    const { bundle } = await loadBundle(modelId);
    const m = bundle.manifest;
    const pre = await preprocessImageFile(imagePath, m, o.resolution, {
      applyIccProfile: opts.applyIccProfile?.() ?? false,
    });
    const roles = (Object.keys(m.encoder.outputs) as EncoderOutputRole[]).filter(
      (r) => m.encoder.outputs[r] !== undefined,
    );
    const result = await client.run(
      path.join(bundle.dir, m.encoder.file),
      { [m.encoder.input.name]: { type: 'float32', dims: [...pre.dims], data: pre.pixels } },
      roles.map((r) => m.encoder.outputs[r]!.name),
      { signal: o.signal },
    );
    const outputs: Partial<Record<EncoderOutputRole, OutputTensor>> = {};
    for (const role of roles) {
      const name = m.encoder.outputs[role]!.name;
      const t = result[name];
      if (!t) throw new BundleError(m.id, 'encoder.outputs', `the encoder returned no output "${name}"`);
      outputs[role] = t;
    }
    const { summary, features } = outputs;
    if (!summary || !features)
      throw new BundleError(m.id, 'encoder.outputs', 'summary and features are required');
    return { manifest: m, mapping: pre.mapping, outputs: { ...outputs, summary, features } };
  }

  async function embedImageFile(
    imagePath: string,
    modelId: string,
    o: EmbedImageOptions = {},
  ): Promise<EngineImageEmbedding> {
    if (o.cacheKey && opts.cache) {
      const hit = opts.cache.get(o.cacheKey);
      if (hit) return fromStored(modelId, hit);
    }
    const run = await encodeImageFile(imagePath, modelId, {
      ...(o.resolution !== undefined ? { resolution: o.resolution } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const { manifest: m, mapping, outputs } = run;
    const specs = m.encoder.outputs;
    const grid = (role: 'features' | 'text_dense' | 'sam_features'): DenseGrid | undefined => {
      const spec = specs[role];
      const out = outputs[role];
      return spec && out
        ? outputToGrid(out, spec, mapping, `model "${m.id}" encoder.outputs.${role} ("${spec.name}")`)
        : undefined;
    };
    const embedding: EngineImageEmbedding = {
      modelId: m.id,
      mapping,
      summary: outputs.summary.data,
      features: grid('features')!,
      textDense: grid('text_dense'),
      samFeatures: grid('sam_features'),
      textSummary: outputs.text_summary?.data,
    };
    if (o.cacheKey && opts.cache) opts.cache.put(o.cacheKey, toStored(embedding));
    return embedding;
  }

  /** Runs the text tower over prompts in chunks (bounded memory for long label lists); rows × dim. */
  async function runTextTower(
    file: string,
    spec: TextTowerSpec,
    tok: TextTokenizer,
    m: BundleManifest,
    prompts: readonly string[],
  ): Promise<Float32Array> {
    const out = new Float32Array(prompts.length * spec.dim);
    for (let start = 0; start < prompts.length; start += TEXT_CHUNK_ROWS) {
      const chunk = prompts.slice(start, start + TEXT_CHUNK_ROWS);
      const batch = tok.encodeBatch(chunk);
      const feeds: Record<string, FeedTensor> = {
        [spec.input_ids]: { type: 'int64', dims: batch.dims, data: batch.ids },
      };
      if (spec.attention_mask)
        feeds[spec.attention_mask] = { type: 'int64', dims: batch.dims, data: batch.mask };
      const res = (await client.run(file, feeds, [spec.output]))[spec.output];
      if (!res || res.dims.length !== 2 || res.dims[0] !== chunk.length || res.dims[1] !== spec.dim) {
        throw new BundleError(
          m.id,
          'text.dim',
          `the text tower returned [${res?.dims.join(', ') ?? ''}], expected [${chunk.length}, ${spec.dim}]`,
        );
      }
      out.set(res.data, start * spec.dim);
    }
    return out;
  }

  async function embedTexts(modelId: string, texts: readonly string[]): Promise<Float32Array[]> {
    const { lb, tok } = await textTokenizer(modelId);
    const m = lb.bundle.manifest;
    const spec = m.text!;
    const keys = texts.map((t, i) => {
      const c = canonicalize(t, spec.canonicalize);
      if (c.length === 0)
        throw new AppError('invalid_input', `text ${i + 1} ("${t}") is empty after canonicalisation`);
      return c;
    });
    const results = new Map<string, Float32Array>();
    const todo: string[] = [];
    for (const k of new Set(keys)) {
      const hit = textMemo.get(`${m.id}|${k}`) ?? opts.cache?.getText(m.id, k);
      if (hit) results.set(k, hit);
      else todo.push(k);
    }
    if (todo.length > 0) {
      const prompts = todo.flatMap((k) =>
        spec.templates.map((tpl) => canonicalize(tpl.replace('{}', k), spec.canonicalize)),
      );
      const out = await runTextTower(path.join(lb.bundle.dir, spec.file), spec, tok, m, prompts);
      const nT = spec.templates.length;
      todo.forEach((k, i) => {
        const avg = new Float32Array(spec.dim);
        for (let t = 0; t < nT; t++) {
          const row = out.slice((i * nT + t) * spec.dim, (i * nT + t + 1) * spec.dim);
          if (l2normalize(row) === 0) {
            throw new AppError(
              'out_of_vocabulary',
              `"${k}" gives a zero text embedding in model "${m.id}" (no word it can embed)`,
            );
          }
          for (let d = 0; d < spec.dim; d++) avg[d] = (avg[d] ?? 0) + (row[d] ?? 0) / nT;
        }
        l2normalize(avg);
        textMemo.set(`${m.id}|${k}`, avg);
        opts.cache?.putText(m.id, k, avg);
        results.set(k, avg);
      });
    }
    return keys.map((k) => results.get(k)!.slice());
  }

  async function runMaskDecoder(
    modelId: string,
    feeds: Record<string, FeedTensor>,
    stage: MaskDecoderStage = 'decoder',
  ): Promise<Record<string, { dims: number[]; data: Float32Array }>> {
    const lb = await loadBundle(modelId);
    const { manifest: m, dir } = lb.bundle;
    const spec = m.mask_decoder;
    if (!spec) throw new BundleError(m.id, 'mask_decoder', 'this model has no mask decoder');
    let file: string;
    let names: string[];
    switch (stage) {
      case 'decoder':
        file = path.join(dir, spec.file);
        names = [spec.outputs.masks, ...(spec.outputs.scores ? [spec.outputs.scores] : [])];
        if (!lb.maskDecoder) {
          lb.maskDecoder = (async () => checkMaskDecoderGraph(m, await client.describe(file)))();
          lb.maskDecoder.catch(() => (lb.maskDecoder = undefined));
        }
        await lb.maskDecoder;
        break;
      case 'neck': {
        const neck = spec.neck;
        if (!neck) throw new BundleError(m.id, 'mask_decoder.neck', 'this model has no mask-decoder neck');
        file = path.join(dir, neck.file);
        names = [neck.output];
        if (!lb.maskDecoderNeck) {
          lb.maskDecoderNeck = (async () => checkMaskDecoderNeckGraph(m, await client.describe(file)))();
          lb.maskDecoderNeck.catch(() => (lb.maskDecoderNeck = undefined));
        }
        await lb.maskDecoderNeck;
        break;
      }
    }
    const copies: Record<string, FeedTensor> = {};
    for (const [k, v] of Object.entries(feeds)) copies[k] = copyFeed(v);
    return client.run(file, copies, names, { lane: `mask-${stage}:${m.id}` });
  }

  return {
    get provider() {
      return client.provider;
    },
    listModels: () => registry.list(),
    getManifest: async (modelId) => (await registry.get(modelId)).manifest,
    embedImageFile,
    encodeImageFile,
    embedTexts,
    runMaskDecoder,
    async verifyModel(idOrDir) {
      const b = await registry.get(idOrDir);
      const manifest = await verifyBundleDir(
        b.dir,
        (p) => client.describe(p),
        (p, f, n) => client.run(p, f, n),
      );
      return { manifest, dir: b.dir };
    },
    describeGraph: (onnxPath) => client.describe(onnxPath),
    async reloadModels() {
      loaded.clear();
      textMemo.clear();
      await client.releaseSessions();
    },
    dispose: () => client.dispose(),
  };
}
