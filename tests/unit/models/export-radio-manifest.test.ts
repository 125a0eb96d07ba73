import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createInferenceEngine } from '../../../src-main/core/inference';
import { readManifest, verifyBundleFiles } from '../../../src-main/core/models/verify';

const root = path.resolve(import.meta.dirname, '../../..');
const exporterDir = path.join(root, 'tools/export-radio');
const python = ['python3', 'python'].find((bin) => spawnSync(bin, ['--version']).status === 0);
const why = python ? '' : ' (skipped: no python3 on PATH; the exporter tests need Python, not torch)';
/** The exporter's own pieces need torch + onnx (Debian: python3-torch, python3-onnx; pyenv shims often lack them). */
const torchPython = ['python3', '/usr/bin/python3', 'python'].find(
  (bin) => spawnSync(bin, ['-c', 'import torch, onnx, numpy']).status === 0,
);
const whyNoTorch = torchPython
  ? ''
  : ' (skipped: no Python with torch, onnx and numpy; apt-get install python3-torch python3-onnx)';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tools/export-radio manifest writer (no torch needed)', () => {
  it.skipIf(!python)(`passes its own Python unit tests${why}`, () => {
    const r = spawnSync(python!, ['-m', 'unittest', 'discover', '-s', exporterDir, '-p', 'test_*.py'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/Ran \d+ tests/);
    expect(r.status, r.stderr).toBe(0);
  });

  // torch starts slowly and the modules are exported and run for real: on a loaded 2-core machine this
  // takes a minute or more. One bound, the child's, with the test's own a little above it.
  const exporterTimeoutMs = 240_000;
  it.skipIf(!torchPython)(
    `exporter pieces pass with torch and onnxruntime-node${whyNoTorch}`,
    { timeout: exporterTimeoutMs + 30_000 },
    () => {
      // Position embedding at square and non-square sizes, dtype handling, fp16 checks, file modes,
      // text/token parity: small torch modules, ONNX run by this repository's onnxruntime-node.
      const r = spawnSync(torchPython!, ['-m', 'unittest', '-v', 'test_exporter'], {
        cwd: exporterDir,
        encoding: 'utf8',
        timeout: exporterTimeoutMs,
      });
      expect(r.error, `the exporter tests did not finish in ${exporterTimeoutMs} ms`).toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/Ran \d+ tests/);
      expect(r.stderr, 'no exporter test may skip where torch is installed').not.toMatch(/skipped/);
    },
  );

  it.skipIf(!python)(`writes manifests that the app validates, verifies and loads${why}`, async () => {
    // Real ONNX files (the starter's) with a manifest written by the Python side, as the exporter would.
    const bundle = path.join(tmp, 'bundles', 'py-written');
    cpSync(path.join(root, 'models/starter'), bundle, { recursive: true });
    rmSync(path.join(bundle, 'manifest.json'));
    const script = `
import sys; sys.path.insert(0, ${JSON.stringify(exporterDir)})
import radiolabel_bundle as rb
d = ${JSON.stringify(bundle)}
enc = rb.encoder_section(d, file="encoder.onnx", input_name="pixel_values", patch_size=16,
    resolution={"kind": "short_side", "short_side": 256, "step": 16, "max": 1024},
    outputs={"summary": {"name": "summary"}, "features": {"name": "features", "layout": "NLC"},
             "text_dense": {"name": "text_dense", "layout": "NLC"}, "text_summary": {"name": "text_summary"}})
txt = rb.text_section(d, file="text.onnx", tokenizer="tokenizer.json", input_ids="input_ids", output="text_embeds",
    max_length=16, dim=11, templates=["a photo of a {}."], padding="longest")
rb.write_manifest(d, rb.build_manifest(model_id="py-written", name="written by Python", license="MIT",
    source_url="test", encoder=enc, text=txt))
`;
    const r = spawnSync(python!, ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const m = await readManifest(bundle);
    expect(m.id).toBe('py-written');
    expect(m.encoder.external_data).toEqual([]);
    await verifyBundleFiles(bundle, m);
    const engine = createInferenceEngine({ dataDir: tmp, modelDirs: [path.join(tmp, 'bundles')] });
    try {
      const { manifest } = await engine.verifyModel('py-written');
      expect(manifest.text?.templates).toEqual(['a photo of a {}.']);
      const [red] = await engine.embedTexts('py-written', ['red']);
      expect(red!.length).toBe(11);
    } finally {
      await engine.dispose();
    }
  });
});
