import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CheckpointError, parseWith, readJsonFile } from './checkpoint';

/**
 * What the app's tokenizer needs from a Hugging Face text-model folder (`tokenizer.json`,
 * `tokenizer_config.json`, `special_tokens_map.json`), resolved at conversion time so the bundle carries
 * one self-consistent tokenizer.json plus explicit manifest fields.
 */

const tokenSchema = z.union([z.string(), z.object({ content: z.string() }).passthrough()]);
const tokenizerConfigSchema = z
  .object({
    tokenizer_class: z.string().optional(),
    add_bos_token: z.boolean().optional(),
    add_eos_token: z.boolean().optional(),
    bos_token: tokenSchema.nullable().optional(),
    eos_token: tokenSchema.nullable().optional(),
    pad_token: tokenSchema.nullable().optional(),
    padding_side: z.enum(['right', 'left']).optional(),
    truncation_side: z.enum(['right', 'left']).optional(),
    model_input_names: z.array(z.string()).optional(),
  })
  .passthrough();

const tokenizerJsonSchema = z
  .object({
    added_tokens: z.array(z.object({ id: z.number().int(), content: z.string() }).passthrough()).default([]),
    padding: z
      .object({ pad_id: z.number().int().optional(), direction: z.string().optional() })
      .passthrough()
      .nullable()
      .optional(),
    model: z.object({ vocab: z.unknown().optional() }).passthrough(),
    post_processor: z.unknown().optional(),
  })
  .passthrough();

export interface TokenizerSettings {
  /** tokenizer.json to ship (its post-processor made to match add_bos_token/add_eos_token). */
  readonly tokenizerJson: string;
  readonly padTokenId: number;
  readonly paddingSide: 'right' | 'left';
  readonly truncationSide: 'right' | 'left';
  /** Whether the tokenizer hands `attention_mask` to the model (model_input_names). */
  readonly usesAttentionMask: boolean;
}

const tokenText = (t: z.infer<typeof tokenSchema> | null | undefined): string | undefined =>
  t == null ? undefined : typeof t === 'string' ? t : t.content;

/** LlamaTokenizerFast/GemmaTokenizerFast rebuild their post-processor from add_bos_token/add_eos_token. */
const REBUILDS_POST_PROCESSOR = /^(Gemma|Llama|CodeLlama|Siglip2)Tokenizer(Fast)?$/;

/** The second sequence of transformers' pair template: `[bos:1] $B:1 [eos:1]`. */
function pairPieces(bos: string | undefined, eos: string | undefined): unknown[] {
  return [
    ...(bos !== undefined ? [{ SpecialToken: { id: bos, type_id: 1 } }] : []),
    { Sequence: { id: 'B', type_id: 1 } },
    ...(eos !== undefined ? [{ SpecialToken: { id: eos, type_id: 1 } }] : []),
  ];
}

export function readTokenizerSettings(dir: string): TokenizerSettings {
  const jsonFile = path.join(dir, 'tokenizer.json');
  const tok = parseWith(tokenizerJsonSchema, readJsonFile(jsonFile), jsonFile);
  const configFile = path.join(dir, 'tokenizer_config.json');
  const config = existsSync(configFile)
    ? parseWith(tokenizerConfigSchema, readJsonFile(configFile), configFile)
    : {};
  const mapFile = path.join(dir, 'special_tokens_map.json');
  const map = existsSync(mapFile) ? parseWith(tokenizerConfigSchema, readJsonFile(mapFile), mapFile) : {};

  const idOf = (token: string, field: string): number => {
    const added = tok.added_tokens.find((t) => t.content === token);
    if (added) return added.id;
    const vocab = tok.model.vocab;
    if (vocab && typeof vocab === 'object' && !Array.isArray(vocab)) {
      const id = (vocab as Record<string, unknown>)[token];
      if (typeof id === 'number') return id;
    } else if (Array.isArray(vocab)) {
      const i = vocab.findIndex((e) => Array.isArray(e) && e[0] === token);
      if (i >= 0) return i;
    }
    throw new CheckpointError(configFile, `${field}: token "${token}" is not in ${jsonFile}`);
  };

  const padToken = tokenText(config.pad_token) ?? tokenText(map.pad_token);
  const padTokenId =
    tok.padding?.pad_id ?? (padToken !== undefined ? idOf(padToken, 'pad_token') : undefined);
  if (padTokenId === undefined) {
    throw new CheckpointError(
      configFile,
      'pad_token: no pad token in tokenizer_config.json, special_tokens_map.json or tokenizer.json padding',
    );
  }
  const direction = tok.padding?.direction?.toLowerCase();
  const paddingSide = config.padding_side ?? (direction === 'left' ? 'left' : 'right');

  const raw = readJsonFile(jsonFile) as Record<string, unknown>;
  const cls = config.tokenizer_class ?? '';
  if (
    REBUILDS_POST_PROCESSOR.test(cls) &&
    (config.add_bos_token !== undefined || config.add_eos_token !== undefined)
  ) {
    const special: { token: string; id: number }[] = [];
    const pieces: unknown[] = [];
    const bos = config.add_bos_token ? (tokenText(config.bos_token) ?? tokenText(map.bos_token)) : undefined;
    const eos = config.add_eos_token ? (tokenText(config.eos_token) ?? tokenText(map.eos_token)) : undefined;
    if (config.add_bos_token && bos === undefined)
      throw new CheckpointError(configFile, 'add_bos_token is true but there is no bos_token');
    if (config.add_eos_token && eos === undefined)
      throw new CheckpointError(configFile, 'add_eos_token is true but there is no eos_token');
    if (bos !== undefined) {
      special.push({ token: bos, id: idOf(bos, 'bos_token') });
      pieces.push({ SpecialToken: { id: bos, type_id: 0 } });
    }
    pieces.push({ Sequence: { id: 'A', type_id: 0 } });
    if (eos !== undefined) {
      special.push({ token: eos, id: idOf(eos, 'eos_token') });
      pieces.push({ SpecialToken: { id: eos, type_id: 0 } });
    }
    raw.post_processor = {
      type: 'TemplateProcessing',
      single: pieces,
      pair: [...pieces, ...pairPieces(bos, eos)],
      special_tokens: Object.fromEntries(
        special.map((s) => [s.token, { id: s.token, ids: [s.id], tokens: [s.token] }]),
      ),
    };
  }
  return {
    tokenizerJson: JSON.stringify(raw),
    padTokenId,
    paddingSide,
    truncationSide: config.truncation_side ?? 'right',
    usesAttentionMask: (config.model_input_names ?? ['input_ids', 'attention_mask']).includes(
      'attention_mask',
    ),
  };
}
