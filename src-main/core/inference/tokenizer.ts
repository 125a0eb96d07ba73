import { AppError } from '../errors';
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TextTowerSpec } from '../models/manifest';

/** A prompt with a word the bundle's tokenizer does not know, for bundles that refuse unknown tokens. */
export class OutOfVocabularyError extends AppError {
  override readonly name = 'OutOfVocabularyError';
  constructor(
    readonly modelId: string,
    readonly words: readonly string[],
    vocabularyName: string,
  ) {
    super(
      'out_of_vocabulary',
      `${words.map((w) => `"${w}"`).join(', ')} ${words.length === 1 ? 'is' : 'are'} not in the ${vocabularyName} vocabulary (model "${modelId}")`,
    );
  }
}

// Python's string.punctuation, which RADIO's canonicalize_text strips.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** RADIO/SigLIP2 canonicalisation: "_" → space, strip punctuation, lowercase, collapse whitespace. */
export function canonicalize(text: string, opts: TextTowerSpec['canonicalize']): string {
  let t = text;
  if (opts.underscore_to_space) t = t.replace(/_/g, ' ');
  if (opts.strip_punctuation) t = t.replace(PUNCTUATION, '');
  if (opts.lowercase) t = t.toLowerCase();
  return t.replace(/\s+/g, ' ').trim();
}

export interface TokenBatch {
  readonly ids: BigInt64Array;
  readonly mask: BigInt64Array;
  readonly dims: [number, number];
}

interface TokenizerJson {
  model?: { unk_token?: string };
  added_tokens?: { id: number; content: string }[];
}

/** The bundle's tokenizer.json through @huggingface/tokenizers, plus truncation/padding per the manifest. */
export class TextTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly spec: TextTowerSpec,
    private readonly modelId: string,
    private readonly vocabularyName: string,
    private readonly unkId: number | undefined,
  ) {}

  static async load(
    bundleDir: string,
    spec: TextTowerSpec,
    modelId: string,
    vocabularyName: string,
  ): Promise<TextTokenizer> {
    const file = path.join(bundleDir, spec.tokenizer);
    let json: TokenizerJson;
    try {
      json = JSON.parse(await readFile(file, 'utf8')) as TokenizerJson;
    } catch (e) {
      throw new Error(
        `model bundle "${modelId}": text.tokenizer: cannot read ${file}: ${(e as Error).message}`,
      );
    }
    const configFile = path.join(bundleDir, 'tokenizer_config.json');
    const config: Record<string, unknown> = existsSync(configFile)
      ? (JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>)
      : {};
    const unkToken =
      json.model?.unk_token ?? (typeof config.unk_token === 'string' ? config.unk_token : undefined);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, { ...config, ...(unkToken ? { unk_token: unkToken } : {}) });
    } catch (e) {
      throw new Error(
        `model bundle "${modelId}": text.tokenizer: ${file} is not a usable tokenizer: ${(e as Error).message}`,
      );
    }
    const unkId = unkToken === undefined ? undefined : tokenizer.token_to_id(unkToken);
    return new TextTokenizer(tokenizer, spec, modelId, vocabularyName, unkId);
  }

  /**
   * Token ids of one already-canonicalised prompt, at most max_length long. Like transformers'
   * `truncation=True`, the special tokens the post-processor adds (SigLIP2: a trailing <eos>) survive:
   * only the text's own tokens are cut, from the manifest's truncation side.
   */
  encodeOne(prompt: string): number[] {
    const enc = this.tokenizer.encode(prompt);
    if (this.spec.unknown_tokens === 'error' && this.unkId !== undefined) {
      const unknown = enc.tokens.filter((_, i) => enc.ids[i] === this.unkId);
      if (unknown.length > 0)
        throw new OutOfVocabularyError(this.modelId, [...new Set(unknown)], this.vocabularyName);
    }
    const max = this.spec.max_length;
    if (enc.ids.length <= max) return enc.ids;
    const text = this.tokenizer.encode(prompt, { add_special_tokens: false }).ids;
    const at = findRun(enc.ids, text);
    if (at < 0) return enc.ids.slice(0, max); // a post-processor that rewrites the text: plain cut
    const prefix = enc.ids.slice(0, at);
    const suffix = enc.ids.slice(at + text.length);
    const keep = Math.max(0, max - prefix.length - suffix.length);
    const kept = this.spec.truncation_side === 'left' ? text.slice(text.length - keep) : text.slice(0, keep);
    return [...prefix, ...kept, ...suffix].slice(0, max);
  }

  /** ids [rows, len] padded with pad_token_id on the manifest's padding side; mask 1 on real tokens. */
  encodeBatch(prompts: readonly string[]): TokenBatch {
    const all = prompts.map((p) => this.encodeOne(p));
    const len =
      this.spec.padding === 'max_length'
        ? this.spec.max_length
        : Math.max(1, ...all.map((ids) => ids.length));
    const ids = new BigInt64Array(all.length * len).fill(BigInt(this.spec.pad_token_id));
    const mask = new BigInt64Array(all.length * len);
    all.forEach((row, r) => {
      const start = this.spec.padding_side === 'left' ? len - row.length : 0;
      row.forEach((id, c) => {
        ids[r * len + start + c] = BigInt(id);
        mask[r * len + start + c] = 1n;
      });
    });
    return { ids, mask, dims: [all.length, len] };
  }
}

/** Index where `run` occurs contiguously in `ids`, or -1. */
function findRun(ids: readonly number[], run: readonly number[]): number {
  if (run.length === 0) return -1;
  outer: for (let i = 0; i + run.length <= ids.length; i++) {
    for (let j = 0; j < run.length; j++) if (ids[i + j] !== run[j]) continue outer;
    return i;
  }
  return -1;
}
