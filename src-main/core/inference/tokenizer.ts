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

  /** Token ids of one already-canonicalised prompt; refuses unknown words when the manifest says so. */
  encodeOne(prompt: string): number[] {
    const enc = this.tokenizer.encode(prompt);
    if (this.spec.unknown_tokens === 'error' && this.unkId !== undefined) {
      const unknown = enc.tokens.filter((_, i) => enc.ids[i] === this.unkId);
      if (unknown.length > 0)
        throw new OutOfVocabularyError(this.modelId, [...new Set(unknown)], this.vocabularyName);
    }
    return enc.ids.slice(0, this.spec.max_length);
  }

  encodeBatch(prompts: readonly string[]): TokenBatch {
    const all = prompts.map((p) => this.encodeOne(p));
    const len =
      this.spec.padding === 'max_length'
        ? this.spec.max_length
        : Math.max(1, ...all.map((ids) => ids.length));
    const ids = new BigInt64Array(all.length * len).fill(BigInt(this.spec.pad_token_id));
    const mask = new BigInt64Array(all.length * len);
    all.forEach((row, r) => {
      row.forEach((id, c) => {
        ids[r * len + c] = BigInt(id);
        mask[r * len + c] = 1n;
      });
    });
    return { ids, mask, dims: [all.length, len] };
  }
}
