import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStarterBundle, STARTER_VOCAB } from '../../../models/starter/starter-bundle';
import { parseManifest } from '../../../src-main/core/models/manifest';

const starterDir = path.resolve(import.meta.dirname, '../../../models/starter');

describe('starter bundle generator', () => {
  it('regenerates the committed files byte for byte', () => {
    const files = buildStarterBundle();
    expect([...files.keys()].sort()).toEqual([
      'encoder.onnx',
      'manifest.json',
      'text.onnx',
      'tokenizer.json',
    ]);
    for (const [name, bytes] of files) {
      const committed = readFileSync(path.join(starterDir, name));
      expect(
        Buffer.compare(Buffer.from(bytes), committed),
        `models/starter/${name} differs: run npm run models:starter`,
      ).toBe(0);
    }
  });

  it('writes a valid manifest whose sha256s match the files', () => {
    const files = buildStarterBundle();
    const m = parseManifest(JSON.parse(new TextDecoder().decode(files.get('manifest.json'))), 'starter');
    expect(m.name).toBe('Starter — colour & texture (not semantic)');
    expect(m.is_starter).toBe(true);
    const sha = (b: Uint8Array | undefined): string => createHash('sha256').update(b!).digest('hex');
    expect(m.encoder.sha256).toBe(sha(files.get('encoder.onnx')));
    expect(m.text?.sha256).toBe(sha(files.get('text.onnx')));
    expect(m.text?.tokenizer_sha256).toBe(sha(files.get('tokenizer.json')));
  });

  it('covers the 11 basic colour terms and common synonyms', () => {
    for (const w of [
      'red',
      'orange',
      'yellow',
      'green',
      'blue',
      'purple',
      'pink',
      'brown',
      'black',
      'white',
      'grey',
      'gray',
      'violet',
    ]) {
      expect(STARTER_VOCAB).toContain(w);
    }
  });
});
