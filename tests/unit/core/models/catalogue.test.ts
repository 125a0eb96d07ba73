import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  convertibleLanguageAdaptor,
  parseCatalogue,
  samAdaptor,
  type Catalogue,
} from '../../../../src-main/core/models/catalogue';
import { estimateEncoderMemory, vitParameterCount } from '../../../../src-main/core/models/memory';

const file = path.resolve(import.meta.dirname, '../../../../models/catalogue.json');
const raw = (): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const catalogue: Catalogue = parseCatalogue(raw(), file);

/** A citation names a repository file at a commit, a spec section, or a page URL. */
const CITATION = /(@[0-9a-f]{7}|spec radio\.md §|https:\/\/|docs\/MODELS\.md)/;

describe('models/catalogue.json', () => {
  it('lists the official checkpoints the issue names, by their torch.hub version', () => {
    expect(catalogue.checkpoints.map((c) => c.id)).toEqual([
      'c-radio_v4-h',
      'c-radio_v4-so400m',
      'c-radio_v3-b',
      'c-radio_v3-l',
      'c-radio_v3-h',
      'c-radio_v3-g',
      'radio_v2.5-b',
      'radio_v2.5-l',
      'radio_v2.5-h',
      'radio_v2.5-g',
      'e-radio_v2',
    ]);
  });

  it('gives every entry its repository, licence, patch, resolutions, adaptors and a cited source per fact', () => {
    for (const cp of catalogue.checkpoints) {
      expect(cp.repo, cp.id).toMatch(/^nvidia\//);
      expect(catalogue.licences[cp.licence], cp.id).toBeDefined();
      expect(cp.preferredResolutionPx % cp.patchSize, cp.id).toBe(0);
      expect(cp.maxResolutionPx).toBeGreaterThanOrEqual(cp.preferredResolutionPx);
      for (const [fact, source] of Object.entries(cp.sources)) {
        // A null fact carries the reason it is null instead of a citation (checked below).
        if (fact === 'downloadBytes' && cp.downloadBytes === null) continue;
        if (fact === 'parameterCount' && cp.architecture === 'eradio') continue;
        expect(source, `${cp.id}.sources.${fact}`).toMatch(CITATION);
      }
      expect(Object.keys(cp.sources)).toEqual(
        expect.arrayContaining(['repo', 'files', 'licence', 'architecture', 'resolution', 'adaptors']),
      );
    }
    for (const [key, t] of Object.entries(catalogue.textTowers)) {
      expect(t.sources.repo, key).toMatch(CITATION);
    }
    for (const [key, a] of Object.entries(catalogue.architectures)) expect(a.source, key).toMatch(CITATION);
    for (const [key, l] of Object.entries(catalogue.licences)) expect(l.source, key).toMatch(CITATION);
  });

  it('states no size it cannot cite: download sizes are null, to be read from the hub', () => {
    for (const cp of catalogue.checkpoints) {
      expect(cp.downloadBytes, cp.id).toBeNull();
      expect(cp.sources.downloadBytes, cp.id).toMatch(/tree API at install time/);
    }
    expect(JSON.stringify(raw())).not.toMatch(/"(sha256|oid)"/);
  });

  it('licences: C-RADIO commercial (NVIDIA Open Model License), RADIO and E-RADIO non-commercial', () => {
    for (const cp of catalogue.checkpoints) {
      const l = catalogue.licences[cp.licence];
      const commercial = cp.name.startsWith('C-RADIO');
      expect(l?.commercialUse, cp.id).toBe(commercial);
      expect(cp.licence, cp.id).toBe(
        commercial ? 'nvidia-open-model-license' : 'nvidia-source-code-license-nc',
      );
    }
  });

  it('pairs language adaptors with the SigLIP2 repositories of radio/siglip2_adaptor.py _VERSION_MAP', () => {
    expect(catalogue.textTowers['siglip2-g-384']?.repo).toBe('google/siglip2-giant-opt-patch16-384');
    expect(catalogue.textTowers['siglip2-so400m']?.repo).toBe('google/siglip2-so400m-patch16-naflex');
    const towerOf = (id: string): string | undefined =>
      convertibleLanguageAdaptor(
        catalogue,
        catalogue.checkpoints.find((c) => c.id === id)!,
      )?.tower.repo;
    expect(towerOf('c-radio_v3-b')).toBe('google/siglip2-so400m-patch16-naflex');
    expect(towerOf('c-radio_v3-h')).toBe('google/siglip2-giant-opt-patch16-384');
    expect(towerOf('c-radio_v4-h')).toBe('google/siglip2-giant-opt-patch16-384');
    expect(towerOf('radio_v2.5-b')).toBeUndefined(); // open_clip text tower: no converter
  });

  it('offers SAM weights for checkpoints with a `sam` adaptor only (C-RADIOv4 has SAM3)', () => {
    const samOf = (id: string) =>
      samAdaptor(
        catalogue,
        catalogue.checkpoints.find((c) => c.id === id)!,
      );
    expect(samOf('c-radio_v3-b')?.weights.repo).toBe('facebook/sam-vit-huge');
    expect(samOf('c-radio_v4-h')).toBeUndefined();
  });

  it('marks what cannot be converted, with the reason, instead of offering it', () => {
    const unsupported = catalogue.checkpoints.filter((c) => c.status.kind === 'unsupported');
    expect(unsupported.map((c) => c.id)).toEqual(['radio_v2.5-g', 'e-radio_v2']);
    const eradio = unsupported.find((c) => c.id === 'e-radio_v2');
    expect(eradio?.status.kind === 'unsupported' && eradio.status.reason).toMatch(/not a ViT/);
  });

  it('refuses a catalogue entry without a source, or pointing at an unknown licence', () => {
    const broken = raw() as { checkpoints: Record<string, unknown>[] };
    const first = broken.checkpoints[0] as { sources: Record<string, string>; licence: string };
    first.sources = { ...first.sources, repo: '' };
    expect(() => parseCatalogue(broken, 'x')).toThrow(/checkpoints\.0\.sources\.repo: must cite a source/);
    const broken2 = raw() as { checkpoints: Record<string, unknown>[] };
    (broken2.checkpoints[0] as { licence: string }).licence = 'made-up';
    expect(() => parseCatalogue(broken2, 'x')).toThrow('checkpoints.0.licence: unknown licence "made-up"');
  });
});

describe('memory formula (docs/MODELS.md)', () => {
  it('reproduces the parameter counts the C-RADIOv4 model cards state, within 0.5 %', () => {
    for (const cp of catalogue.checkpoints.filter((c) => c.parameterCountFromCard !== null)) {
      const arch = catalogue.architectures[cp.architecture];
      if (arch?.kind !== 'vit') throw new Error(cp.id);
      const derived = vitParameterCount(arch, cp.patchSize, cp.maxResolutionPx);
      expect(Math.abs(derived / (cp.parameterCountFromCard ?? 1) - 1), cp.id).toBeLessThan(0.005);
    }
  });

  it('grows with tokens: attention is quadratic, weights do not change', () => {
    const arch = catalogue.architectures['vit-b16'];
    if (arch?.kind !== 'vit') throw new Error('vit-b16');
    const at = (px: number) =>
      estimateEncoderMemory(arch, {
        patchSize: 16,
        maxResolutionPx: 2048,
        heightPx: px,
        widthPx: px,
        dtype: 'fp16',
        denseOutputs: 2,
      });
    const a = at(512);
    const b = at(1024);
    expect(a.tokens).toBe(32 * 32 + 8);
    expect(b.weightsBytes).toBe(a.weightsBytes);
    expect(a.weightsBytes).toBe(a.parameterCount * 2);
    // 12 heads · T² · 4 bytes dominates at 1024 px: T = 4104.
    expect(b.activationBytes).toBe(4 * (12 * 4104 * 4104 + 4104 * (3 * 768 + 3072 + 2 * 768)));
    expect(b.totalBytes).toBe(b.weightsBytes + b.activationBytes + b.outputBytes);
  });
});
