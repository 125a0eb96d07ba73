import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceFixture } from './service-fixture';

describe('inference handlers with the starter bundle (real onnxruntime-node)', () => {
  const { call, raw, dispose } = serviceFixture('inference-handlers');
  let imageId = 0;
  beforeAll(async () => {
    await call('projects', 'openSample');
    imageId = (await call<{ items: { id: number }[] }>('images', 'list', { limit: 1, sort: 'name' }))
      .items[0]!.id;
  });
  afterAll(async () => {
    await dispose();
  });

  it('lists the starter bundle, labelled as not semantic', async () => {
    const models = await call<{ id: string; name: string; isStarter: boolean }[]>('models', 'list');
    const starter = models.find((m) => m.isStarter);
    expect(starter?.id).toBe('starter');
    expect(starter?.name).toMatch(/not semantic/i);
  });

  it('reports the model and the provider', async () => {
    const status = await call<{ modelId: string; provider: { active: string } }>('inference', 'status');
    expect(status.modelId).toBe('starter');
    expect(status.provider.active).toBe('cpu');
  });

  it('embeds once, then serves the cache', async () => {
    const first = await call<{ cached: boolean }>('inference', 'embed', { imageId });
    expect(first.cached).toBe(false);
    const second = await call<{ cached: boolean }>('inference', 'embed', { imageId });
    expect(second.cached).toBe(true);
    const info = await call<{ images: number }>('projects', 'current');
    expect(info.images).toBe(6);
  });

  it('rejects selecting an unknown model by name', async () => {
    const r = await raw('models', 'select', { modelId: 'nope' });
    expect(r.ok ? null : r.error.message).toBe('no model with id "nope"');
  });
});

describe('segmentation through the contract on the sample project', () => {
  const { call, raw, dispose } = serviceFixture('segment-handlers');
  afterAll(async () => {
    await dispose();
  });

  it('finds the red disc of sample-01 from the text "red", with a heat map', async () => {
    await call('projects', 'openSample');
    const imageId = (await call<{ items: { id: number }[] }>('images', 'list', { limit: 1, sort: 'name' }))
      .items[0]!.id;
    const r = await call<{
      heatMap: { widthPx: number; heightPx: number; dataBase64: string };
      instances: { label: string; bbox: number[]; area: number }[];
    }>('inference', 'segmentText', { imageId, prompts: ['red'] });
    expect(r.instances.length).toBe(1);
    const [x, y, w, h] = r.instances[0]!.bbox;
    // The disc: centre (180, 200), radius 90.
    expect(Math.abs(x! + w! / 2 - 180)).toBeLessThan(6);
    expect(Math.abs(y! + h! / 2 - 200)).toBeLessThan(6);
    expect(Math.abs(r.instances[0]!.area - Math.PI * 90 * 90) / (Math.PI * 90 * 90)).toBeLessThan(0.1);
    expect(Buffer.from(r.heatMap.dataBase64, 'base64').length).toBe(r.heatMap.widthPx * r.heatMap.heightPx);
  });

  it('answers a word outside the starter vocabulary with a clear error code', async () => {
    const imageId = (await call<{ items: { id: number }[] }>('images', 'list', { limit: 1 })).items[0]!.id;
    const r = await raw('inference', 'segmentText', { imageId, prompts: ['giraffe'] });
    expect(r.ok ? null : r.error.code).toBe('out_of_vocabulary');
  });

  it('selects the blue rectangle from one click', async () => {
    const imageId = (await call<{ items: { id: number }[] }>('images', 'list', { limit: 1, sort: 'name' }))
      .items[0]!.id;
    const r = await call<{ instances: { bbox: number[] }[] }>('inference', 'segmentClick', {
      imageId,
      clicks: [{ x: 460, y: 195, positive: true }],
    });
    expect(r.instances.length).toBe(1);
    const [x, y, w, h] = r.instances[0]!.bbox;
    // The rectangle: x 360..560, y 120..270.
    expect(Math.abs(x! - 360)).toBeLessThan(8);
    expect(Math.abs(y! - 120)).toBeLessThan(8);
    expect(Math.abs(w! - 200)).toBeLessThan(12);
    expect(Math.abs(h! - 150)).toBeLessThan(12);
  });
});
