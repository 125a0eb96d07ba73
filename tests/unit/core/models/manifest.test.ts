/* eslint-disable @typescript-eslint/no-explicit-any -- tests mutate raw manifest JSON on purpose */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkEncoderGraph,
  checkTextGraph,
  type GraphInfo,
} from '../../../../src-main/core/models/graph-check';
import { BundleError, parseManifest, type BundleManifest } from '../../../../src-main/core/models/manifest';
import { ModelRegistry } from '../../../../src-main/core/models/registry';
import { readManifest, verifyBundleFiles } from '../../../../src-main/core/models/verify';

const starterDir = path.resolve(import.meta.dirname, '../../../../models/starter');
const starterJson = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(starterDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-manifest-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function writeBundle(dir: string, mutate: (m: Record<string, any>) => void = () => {}): void {
  const m = starterJson() as Record<string, any>;
  mutate(m);
  for (const f of ['encoder.onnx', 'text.onnx', 'tokenizer.json']) {
    writeFileSync(path.join(dir, f), readFileSync(path.join(starterDir, f)));
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
}

describe('manifest schema', () => {
  it('parses the starter manifest with defaults filled', () => {
    const m = parseManifest(starterJson(), 'starter');
    expect(m.encoder.outputs.features.layout).toBe('NLC');
    expect(m.text?.unknown_tokens).toBe('error');
  });

  it('names the bundle and the field for bad values', () => {
    const bad = starterJson() as Record<string, any>;
    bad.execution_providers = ['cpu', 'tpu'];
    expect(() => parseManifest(bad, 'x')).toThrow(/^model bundle "starter": execution_providers\.1: /);
    const noPatch = starterJson() as Record<string, any>;
    delete noPatch.encoder.patch_size;
    expect(() => parseManifest(noPatch, 'x')).toThrow('model bundle "starter": encoder.patch_size:');
    const escape = starterJson() as Record<string, any>;
    escape.encoder.file = '../../etc/passwd';
    expect(() => parseManifest(escape, 'x')).toThrow(
      'model bundle "starter": encoder.file: must be a relative path inside the bundle folder',
    );
    const tpl = starterJson() as Record<string, any>;
    tpl.text.templates = ['a photo'];
    expect(() => parseManifest(tpl, 'x')).toThrow(
      'model bundle "starter": text.templates.0: each template must contain "{}"',
    );
  });
});

describe('bundle verification', () => {
  it('reports a missing file naming the field', async () => {
    writeBundle(tmp);
    rmSync(path.join(tmp, 'text.onnx'));
    const m = await readManifest(tmp);
    await expect(verifyBundleFiles(tmp, m)).rejects.toThrow(
      `model bundle "starter": text.file: file not found: ${path.join(tmp, 'text.onnx')}`,
    );
  });

  it('reports a sha256 mismatch naming the field', async () => {
    writeBundle(tmp);
    writeFileSync(path.join(tmp, 'tokenizer.json'), '{"tampered":true}');
    const m = await readManifest(tmp);
    const actual = createHash('sha256').update('{"tampered":true}').digest('hex');
    await expect(verifyBundleFiles(tmp, m)).rejects.toThrow(
      new RegExp(`^model bundle "starter": text.tokenizer: sha256 mismatch .*file is ${actual}$`),
    );
  });

  it('reports an unreadable manifest', async () => {
    writeFileSync(path.join(tmp, 'manifest.json'), '{ nope');
    await expect(readManifest(tmp)).rejects.toThrow(/manifest.json: not valid JSON/);
  });
});

describe('graph checks', () => {
  const m: BundleManifest = parseManifest(starterJson(), 'starter');
  const good: GraphInfo = {
    inputs: [{ name: 'pixel_values', type: 'float32', rank: 4 }],
    outputs: [
      { name: 'summary', rank: 2 },
      { name: 'features', rank: 3 },
      { name: 'text_dense', rank: 3 },
      { name: 'text_summary', rank: 2 },
    ],
  };

  it('accepts a matching graph', () => {
    expect(() => checkEncoderGraph(m, good)).not.toThrow();
  });

  it('rejects a wrong input rank', () => {
    const g = { ...good, inputs: [{ name: 'pixel_values', type: 'float32', rank: 3 }] };
    expect(() => checkEncoderGraph(m, g)).toThrow(
      'model bundle "starter": encoder.input.name: input "pixel_values" has rank 3 in the graph, expected 4',
    );
  });

  it('rejects an output name that is not in the graph', () => {
    const g = { ...good, outputs: good.outputs.filter((o) => o.name !== 'text_dense') };
    expect(() => checkEncoderGraph(m, g)).toThrow(
      'model bundle "starter": encoder.outputs.text_dense.name: output "text_dense" is not in the graph (graph outputs: summary, features, text_summary)',
    );
  });

  it('rejects a float text input', () => {
    const g: GraphInfo = {
      inputs: [{ name: 'input_ids', type: 'float32', rank: 2 }],
      outputs: [{ name: 'text_embeds', rank: 2 }],
    };
    expect(() => checkTextGraph(m, g)).toThrow(
      'text.input_ids: input "input_ids" has type float32 in the graph, expected int64',
    );
  });
});

describe('model registry', () => {
  it('lists built-in and user bundles and reports broken ones without hiding them', async () => {
    const user = path.join(tmp, 'user');
    const good = path.join(user, 'mine');
    const broken = path.join(user, 'broken');
    for (const d of [good, broken]) (await import('node:fs')).mkdirSync(d, { recursive: true });
    writeBundle(good, (mm) => (mm.id = 'mine'));
    writeFileSync(path.join(broken, 'manifest.json'), '{"format_version":1}');
    const reg = new ModelRegistry(path.dirname(starterDir), [user]);
    const { bundles, broken: bad } = await reg.scan();
    expect(bundles.map((b) => [b.manifest.id, b.source])).toEqual([
      ['starter', 'built-in'],
      ['mine', 'user'],
    ]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.error).toMatch(/^model bundle "broken": id: /);
    await expect(reg.get('nothing')).rejects.toThrow(
      'model bundle "nothing": id: no such model (installed: starter, mine)',
    );
    await expect(reg.get('broken')).rejects.toBeInstanceOf(BundleError);
  });
});
