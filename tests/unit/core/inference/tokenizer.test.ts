import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../../../src-main/core/inference/tokenizer';
import { bundleManifestSchema, type TextTowerSpec } from '../../../../src-main/core/models/manifest';
import { buildVocab, tokenizerJson } from '../../../fixtures/radio/synthetic-siglip2';

// The Gemma-style fixture tokenizer with SigLIP2's post-processor ("$A <eos>"), through the app's
// TextTokenizer (@huggingface/tokenizers underneath).
let dir: string;
const { vocab } = buildVocab();
const EOS = 1;
const PAD = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-tokenizer-'));
  const tok = tokenizerJson();
  tok.post_processor = {
    type: 'TemplateProcessing',
    single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eos>', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<eos>': { id: '<eos>', ids: [EOS], tokens: ['<eos>'] } },
  };
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tok));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(over: Record<string, unknown>): TextTowerSpec {
  const m = bundleManifestSchema.parse({
    format_version: 1,
    id: 't',
    name: 't',
    license: 't',
    source_url: 't',
    encoder: {
      file: 'e.onnx',
      sha256: '0'.repeat(64),
      input: { name: 'x', normalized_in_graph: true },
      patch_size: 16,
      resolution: { kind: 'fixed', width: 16, height: 16 },
      outputs: { summary: { name: 's' }, features: { name: 'f' } },
    },
    text: {
      file: 't.onnx',
      sha256: '0'.repeat(64),
      tokenizer: 'tokenizer.json',
      tokenizer_sha256: '0'.repeat(64),
      input_ids: 'input_ids',
      output: 'o',
      max_length: 8,
      padding: 'max_length',
      pad_token_id: PAD,
      templates: ['{}'],
      dim: 4,
      ...over,
    },
  });
  return m.text!;
}

const row = (ids: BigInt64Array, r: number, len: number): number[] =>
  Array.from(ids.subarray(r * len, (r + 1) * len), Number);

describe('TextTokenizer', () => {
  it('pads on the right by default (SigLIP2), mask 1 on real tokens', async () => {
    const tok = await TextTokenizer.load(dir, spec({}), 't', 'test');
    const b = tok.encodeBatch(['a cat']);
    expect(b.dims).toEqual([1, 8]);
    expect(row(b.ids, 0, 8)).toEqual([vocab.a, vocab['▁cat'], EOS, PAD, PAD, PAD, PAD, PAD]);
    expect(row(b.mask, 0, 8)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('honours padding_side "left"', async () => {
    const tok = await TextTokenizer.load(dir, spec({ padding_side: 'left' }), 't', 'test');
    const b = tok.encodeBatch(['a cat', 'dog']);
    expect(row(b.ids, 0, 8)).toEqual([PAD, PAD, PAD, PAD, PAD, vocab.a, vocab['▁cat'], EOS]);
    expect(row(b.ids, 1, 8)).toEqual([PAD, PAD, PAD, PAD, PAD, PAD, vocab.dog, EOS]);
    expect(row(b.mask, 1, 8)).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('truncates the text, never the <eos> the post-processor adds (transformers truncation=True)', async () => {
    const long = 'a photo of a small red cat and a large green dog';
    const right = await TextTokenizer.load(dir, spec({}), 't', 'test');
    const ids = right.encodeOne(long);
    expect(ids).toHaveLength(8);
    expect(ids.slice(0, 3)).toEqual([vocab.a, vocab['▁photo'], vocab['▁of']]);
    expect(ids[7]).toBe(EOS);
    const left = await TextTokenizer.load(dir, spec({ truncation_side: 'left' }), 't', 'test');
    const tail = left.encodeOne(long);
    expect(tail.slice(-3)).toEqual([vocab['▁green'], vocab['▁dog'], EOS]);
  });
});
