import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { bundleManifestSchema, type BundleManifest, type BundleManifestInput } from '../manifest';
import { ExternalDataWriter } from '../onnx/external-data';
import { GraphBuilder } from '../onnx/graph-builder';
import { Checkpoint, CheckpointError, parseWith, readJsonFile } from './checkpoint';
import { GraphOps } from './graph-ops';
import { preferredResolution, radioConfigSchema } from './radio-config';
import { ENCODER_INPUT, emitRadioEncoder } from './radio-graph';
import { type AdaptorSpec, inspectRadio, type RadioSpec } from './radio-spec';
import {
  emitSiglipText,
  inspectSiglipText,
  type SiglipTextSpec,
  TEXT_ATTENTION_MASK,
  TEXT_INPUT_IDS,
  TEXT_OUTPUT,
} from './siglip-text';
import { readTokenizerSettings } from './tokenizer-settings';
import { type WeightDtype, WeightEmitter } from './weight-emitter';

export type ConvertProgress =
  | {
      readonly kind: 'stage';
      readonly stage: 'inspect' | 'encoder' | 'text' | 'manifest';
      readonly message: string;
    }
  /** done / total: blocks of the encoder, then layers of the text tower. */
  | {
      readonly kind: 'layer';
      readonly part: 'encoder' | 'text';
      readonly done: number;
      readonly total: number;
    }
  | { readonly kind: 'note'; readonly message: string };

export interface ConvertRadioOptions {
  /** Hugging Face layout: config.json (RADIOConfig) + model.safetensors (or a sharded index). */
  readonly checkpointDir: string;
  /** The paired SigLIP/SigLIP2 text model: config.json + model.safetensors + tokenizer.json (+ configs). */
  readonly textTowerDir?: string;
  /** Created if absent; must be empty. On failure everything written here is removed. */
  readonly outDir: string;
  /** Input side in pixels (square), or height × width; each a multiple of patch × ViTDet window. */
  readonly resolution: number | { readonly heightPx: number; readonly widthPx: number };
  readonly dtype?: WeightDtype;
  /**
   * Adaptor heads to export. `language`: its head_mlp gives text_dense/text_summary (default: the
   * adaptor whose output width equals the text tower's, when a text tower is given). `sam`: its
   * feat_mlp gives sam_features (default: the adaptor named "sam" if present). null: none.
   */
  readonly adaptors?: { readonly language?: string | null; readonly sam?: string | null };
  readonly meta: {
    readonly id: string;
    readonly name: string;
    readonly license: string;
    readonly sourceUrl: string;
    readonly description?: string;
  };
  /** Zero-shot prompt templates (each with "{}"); default: a short set from OpenAI's ImageNet list. */
  readonly templates?: readonly string[];
  readonly onProgress?: (e: ConvertProgress) => void;
  readonly signal?: AbortSignal;
}

/** RADIO's zero-shot default is OpenAI's ImageNet templates; these few keep label embedding fast. */
export const DEFAULT_TEMPLATES = [
  'a photo of a {}.',
  'a photo of the {}.',
  'a good photo of a {}.',
  'a close-up photo of a {}.',
  'a photo of a small {}.',
  'a photo of a large {}.',
  'itap of a {}.',
  'a bad photo of a {}.',
] as const;

/** RADIO's SigLIP2 wrapper tokenises with max_length=64, padding='max_length' (siglip2_adaptor.py). */
export const TEXT_MAX_LENGTH = 64;

export const ENCODER_FILE = 'encoder.onnx';
export const TEXT_FILE = 'text.onnx';
export const TOKENIZER_FILE = 'tokenizer.json';
export const MANIFEST_FILE = 'manifest.json';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw signal.reason instanceof Error ? signal.reason : new Error('conversion cancelled');
}

/**
 * Converts a RADIO checkpoint (and optionally its SigLIP2 text tower) into a bundle folder: encoder.onnx
 * + encoder.onnx.data, text.onnx + text.onnx.data + tokenizer.json, manifest.json. Weights stream from
 * the safetensors files into the external data files tensor by tensor. The returned manifest has no
 * `mask_decoder`: the install pipeline adds the SAM decoder's section and rewrites manifest.json
 * (`writeBundleManifest`).
 */
export async function convertRadioCheckpoint(o: ConvertRadioOptions): Promise<BundleManifest> {
  const dtype = o.dtype ?? 'fp32';
  const created = prepareOutDir(o.outDir);
  const progress = o.onProgress ?? (() => undefined);
  let ckpt: Checkpoint | undefined;
  let text: Checkpoint | undefined;
  try {
    const radio = (ckpt = Checkpoint.open(o.checkpointDir));
    progress({ kind: 'stage', stage: 'inspect', message: `reading ${radio.label}` });
    const configFile = path.join(o.checkpointDir, 'config.json');
    const config = parseWith(radioConfigSchema, readJsonFile(configFile), configFile);
    const spec = inspectRadio(config, radio, configFile);
    for (const message of spec.notes) progress({ kind: 'note', message });
    const { heightPx, widthPx } =
      typeof o.resolution === 'number' ? { heightPx: o.resolution, widthPx: o.resolution } : o.resolution;
    checkResolution(spec, heightPx, widthPx, configFile);

    let textSpec: SiglipTextSpec | undefined;
    if (o.textTowerDir) {
      text = Checkpoint.open(o.textTowerDir);
      const textConfig = path.join(o.textTowerDir, 'config.json');
      textSpec = inspectSiglipText(readJsonFile(textConfig), textConfig, text);
    }
    const language = pickLanguage(
      spec,
      o.adaptors?.language,
      textSpec?.projection,
      o.textTowerDir !== undefined,
    );
    const sam = pickSam(spec, o.adaptors?.sam);
    if (textSpec && !language) {
      throw new CheckpointError(
        configFile,
        'a text tower was given but no language adaptor is exported (adaptors.language is null)',
      );
    }

    progress({
      kind: 'stage',
      stage: 'encoder',
      message: `building the encoder at ${widthPx}×${heightPx} (${dtype})`,
    });
    const enc = await writeGraph(o.outDir, ENCODER_FILE, 'radio_encoder', dtype, async (ops) => {
      return emitRadioEncoder(ops, radio, spec, { heightPx, widthPx, language, sam }, async (done, total) => {
        progress({ kind: 'layer', part: 'encoder', done, total });
        await tick();
        checkAborted(o.signal);
      });
    });

    let textSection: BundleManifestInput['text'];
    if (text && textSpec && o.textTowerDir && language) {
      progress({
        kind: 'stage',
        stage: 'text',
        message: `building the text tower (${textSpec.layers} layers)`,
      });
      const tok = readTokenizerSettings(o.textTowerDir);
      const ckptText = text;
      const txt = await writeGraph(o.outDir, TEXT_FILE, 'siglip_text', dtype, async (ops) => {
        await emitSiglipText(
          ops,
          ckptText,
          textSpec,
          TEXT_MAX_LENGTH,
          tok.usesAttentionMask,
          async (done, total) => {
            progress({ kind: 'layer', part: 'text', done, total });
            await tick();
            checkAborted(o.signal);
          },
        );
        return undefined;
      });
      writeFileSync(path.join(o.outDir, TOKENIZER_FILE), tok.tokenizerJson, { mode: 0o644 });
      textSection = {
        file: TEXT_FILE,
        sha256: txt.sha256,
        external_data: txt.externalData,
        tokenizer: TOKENIZER_FILE,
        tokenizer_sha256: sha256(tok.tokenizerJson),
        input_ids: TEXT_INPUT_IDS,
        ...(tok.usesAttentionMask ? { attention_mask: TEXT_ATTENTION_MASK } : {}),
        output: TEXT_OUTPUT,
        max_length: TEXT_MAX_LENGTH,
        padding: 'max_length',
        pad_token_id: tok.padTokenId,
        padding_side: tok.paddingSide,
        truncation_side: tok.truncationSide,
        canonicalize: { lowercase: true, strip_punctuation: true, underscore_to_space: true },
        templates: [...(o.templates ?? DEFAULT_TEMPLATES)],
        dim: textSpec.projection,
        unknown_tokens: 'allow',
      };
    }

    progress({ kind: 'stage', stage: 'manifest', message: 'writing manifest.json' });
    const outs = enc.result;
    const pref = preferredResolution(config);
    const manifest = writeBundleManifest(o.outDir, {
      format_version: 1,
      id: o.meta.id,
      name: o.meta.name,
      license: o.meta.license,
      source_url: o.meta.sourceUrl,
      description:
        o.meta.description ??
        `${spec.modelName} converted in TypeScript at ${widthPx}×${heightPx} (${dtype} weights)` +
          (pref ? `; the checkpoint prefers ${pref.width}×${pref.height}` : ''),
      execution_providers: ['cpu'],
      encoder: {
        file: ENCODER_FILE,
        sha256: enc.sha256,
        external_data: enc.externalData,
        input: { name: ENCODER_INPUT, normalized_in_graph: true },
        patch_size: spec.patchSize,
        resolution: { kind: 'fixed', width: widthPx, height: heightPx },
        outputs: {
          summary: { name: 'summary' },
          features: { name: 'features', layout: 'NLC' },
          ...(outs.text_dense ? { text_dense: { name: 'text_dense', layout: 'NLC' } } : {}),
          ...(outs.text_summary ? { text_summary: { name: 'text_summary' } } : {}),
          ...(outs.sam_features ? { sam_features: { name: 'sam_features', layout: 'NLC' } } : {}),
        },
      },
      ...(textSection ? { text: textSection } : {}),
    });
    return manifest;
  } catch (e) {
    removeCreated(o.outDir, created);
    throw e;
  } finally {
    ckpt?.close();
    text?.close();
  }
}

/** Validates and writes `<dir>/manifest.json` (also the seam where the pipeline adds `mask_decoder`). */
export function writeBundleManifest(dir: string, manifest: BundleManifestInput): BundleManifest {
  const parsed = bundleManifestSchema.parse(manifest);
  writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(parsed, null, 2)}\n`, { mode: 0o644 });
  return parsed;
}

interface WrittenGraph<R> {
  readonly sha256: string;
  readonly externalData: { file: string; sha256: string }[];
  readonly result: R;
}

/** Builds one graph with its weights streamed into `<file>.data`, then writes the (small) protobuf. */
async function writeGraph<R>(
  dir: string,
  file: string,
  graphName: string,
  dtype: WeightDtype,
  build: (ops: GraphOps) => Promise<R>,
): Promise<WrittenGraph<R>> {
  const g = new GraphBuilder(graphName);
  const data = new ExternalDataWriter(dir, `${file}.data`);
  let result: R;
  try {
    result = await build(new GraphOps(g, new WeightEmitter(g, data, dtype)));
  } catch (e) {
    data.abort();
    throw e;
  }
  const written = data.close();
  const bytes = g.toBytes({
    producer: 'radiolabel-convert',
    doc: `${graphName}, converted from safetensors by RadioLabel (${dtype} weights)`,
    metadata: { weight_dtype: dtype },
  });
  writeFileSync(path.join(dir, file), bytes, { mode: 0o644 });
  const externalData = written.sizeBytes > 0 ? [{ file: `${file}.data`, sha256: written.sha256 }] : [];
  if (written.sizeBytes === 0) rmSync(path.join(dir, `${file}.data`));
  return { sha256: sha256(bytes), externalData, result };
}

function checkResolution(spec: RadioSpec, heightPx: number, widthPx: number, configFile: string): void {
  const step = spec.minResolutionStep;
  for (const [what, v] of [
    ['height', heightPx],
    ['width', widthPx],
  ] as const) {
    if (!Number.isInteger(v) || v < step || v % step !== 0) {
      throw new CheckpointError(
        configFile,
        `resolution ${what} ${v} must be a positive multiple of ${step} (patch ${spec.patchSize} × ViTDet window)`,
      );
    }
    if (spec.maxResolution !== undefined && v > spec.maxResolution) {
      throw new CheckpointError(
        configFile,
        `resolution ${what} ${v} exceeds max_resolution ${spec.maxResolution}`,
      );
    }
  }
}

function pickLanguage(
  spec: RadioSpec,
  wanted: string | null | undefined,
  textDim: number | undefined,
  hasText: boolean,
): AdaptorSpec | undefined {
  if (wanted === null) return undefined;
  const known = [...spec.adaptors.keys()].join(', ') || '(none)';
  if (wanted !== undefined) {
    const a = spec.adaptors.get(wanted);
    if (!a) throw new Error(`adaptors.language: the checkpoint has no adaptor "${wanted}" (it has ${known})`);
    if (textDim !== undefined && a.head.outputDim !== textDim) {
      throw new Error(
        `adaptors.language: "${wanted}" projects to ${a.head.outputDim} dims, the text tower to ${textDim}; they are not a pair`,
      );
    }
    return a;
  }
  if (!hasText) return undefined;
  const matches = [...spec.adaptors.values()].filter((a) => a.name !== 'sam' && a.head.outputDim === textDim);
  if (matches.length === 1) return matches[0];
  throw new Error(
    matches.length === 0
      ? `no adaptor projects to the text tower's ${textDim} dims (adaptors: ${known}); pass adaptors.language`
      : `several adaptors project to ${textDim} dims (${matches.map((a) => a.name).join(', ')}); pass adaptors.language`,
  );
}

function pickSam(spec: RadioSpec, wanted: string | null | undefined): AdaptorSpec | undefined {
  if (wanted === null) return undefined;
  if (wanted === undefined) return spec.adaptors.get('sam');
  const a = spec.adaptors.get(wanted);
  if (!a)
    throw new Error(
      `adaptors.sam: the checkpoint has no adaptor "${wanted}" (it has ${[...spec.adaptors.keys()].join(', ') || '(none)'})`,
    );
  return a;
}

/** Makes sure outDir exists and is empty; returns whether we created it (for cleanup). */
function prepareOutDir(outDir: string): boolean {
  if (existsSync(outDir)) {
    if (readdirSync(outDir).length > 0) throw new Error(`output folder ${outDir} is not empty`);
    return false;
  }
  mkdirSync(outDir, { recursive: true });
  return true;
}

function removeCreated(outDir: string, createdDir: boolean): void {
  if (createdDir) {
    rmSync(outDir, { recursive: true, force: true });
    return;
  }
  for (const f of [
    ENCODER_FILE,
    `${ENCODER_FILE}.data`,
    TEXT_FILE,
    `${TEXT_FILE}.data`,
    TOKENIZER_FILE,
    MANIFEST_FILE,
  ]) {
    rmSync(path.join(outDir, f), { force: true });
  }
}
