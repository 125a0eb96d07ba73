import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import { maskShape } from '../../../../src-main/core/formats/labelme-export';
import { decodeSimplePng, encodeGrayPng, encodeIndexedPng } from '../../../../src-main/core/formats/png';
import { escapeXml, vocBndbox } from '../../../../src-main/core/formats/voc-export';
import { vocClassIndices, vocLabelmap, vocPalette } from '../../../../src-main/core/formats/voc-palette';
import { maskFromArt, MemoryProject, tempDir } from './memory-project';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const rgb = (pal: Uint8Array, i: number): number[] => [pal[i * 3]!, pal[i * 3 + 1]!, pal[i * 3 + 2]!];

describe('VOC palette and indexed PNGs', () => {
  it('has the bitget colours, 256 entries', () => {
    const pal = vocPalette();
    expect(pal.length).toBe(768);
    expect(rgb(pal, 0)).toEqual([0, 0, 0]);
    expect(rgb(pal, 1)).toEqual([128, 0, 0]);
    expect(rgb(pal, 2)).toEqual([0, 128, 0]);
    expect(rgb(pal, 8)).toEqual([64, 0, 0]);
    expect(rgb(pal, 15)).toEqual([192, 128, 128]);
    expect(rgb(pal, 20)).toEqual([0, 64, 128]);
    expect(rgb(pal, 255)).toEqual([224, 224, 192]);
  });

  it('writes exact indices that sharp reads as the palette colours', async () => {
    const idx = new Uint8Array([0, 1, 15, 255, 7, 0]);
    const png = encodeIndexedPng(idx, 3, 2, vocPalette());
    const back = decodeSimplePng(png);
    expect(Array.from(back.pixels)).toEqual([0, 1, 15, 255, 7, 0]);
    expect(back.colorType).toBe(3);
    expect(back.palette?.length).toBe(768);
    const meta = await sharp(png).metadata();
    expect(meta.isPalette).toBe(true);
    const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data.subarray(0, 12))).toEqual([0, 0, 0, 128, 0, 0, 192, 128, 128, 224, 224, 192]);
  });

  it('uses VOC indices for VOC names, 1..n otherwise, and refuses > 254 classes', () => {
    expect(vocClassIndices(['person', 'cat'])).toEqual([15, 8]);
    expect(vocClassIndices(['person', 'widget'])).toEqual([1, 2]);
    expect(() => vocClassIndices(Array.from({ length: 255 }, (_, i) => `c${i}`))).toThrow(
      'at most 254 classes',
    );
    expect(vocLabelmap(['widget'], [1])).toBe(
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\nwidget:128,0,0::\n',
    );
  });

  it('writes 1-based inclusive bndboxes', () => {
    expect(vocBndbox([0, 0, 10, 5], 20, 10)).toEqual({
      xmin: 1,
      ymin: 1,
      xmax: 10,
      ymax: 5,
      truncated: false,
    });
    expect(vocBndbox([-3, 2.4, 30, 3], 20, 10)).toEqual({
      xmin: 1,
      ymin: 3,
      xmax: 20,
      ymax: 5,
      truncated: true,
    });
    expect(vocBndbox([5, 5, 0.2, 3], 20, 10)).toBeNull();
    expect(escapeXml('a<b>&"c\'')).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('paints non-VOC classes 1..n, instances in XML order and crowd regions as void (255)', async () => {
    const p = new MemoryProject(path.join(dir, 'voc'));
    const widget = p.addLabel('widget');
    const gadget = p.addLabel('gadget');
    const img = p.addImage('w.jpg', 6, 3);
    p.addImage('q.png', 2, 2);
    p.add(img, gadget, { kind: 'polygon', rings: [[0, 0, 2, 0, 2, 2, 0, 2]] });
    p.add(img, widget, { kind: 'box', x: 0, y: 0, widthPx: 6, heightPx: 3 });
    p.add(img, widget, { kind: 'polygon', rings: [[4, 0, 6, 0, 6, 3, 4, 3]] }, { iscrowd: true });
    await p.writeImageFiles();
    const out = path.join(dir, 'voc-out');
    await exportDataset(p, { format: 'voc', outDir: out });
    const cls = decodeSimplePng(await fs.readFile(path.join(out, 'SegmentationClass/w.png')));
    const obj = decodeSimplePng(await fs.readFile(path.join(out, 'SegmentationObject/w.png')));
    expect(Array.from(cls.pixels)).toEqual([
      2, 2, 0, 0, 255, 255, 2, 2, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255,
    ]);
    expect(Array.from(obj.pixels)).toEqual([
      1, 1, 0, 0, 255, 255, 1, 1, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255,
    ]);
    expect(await fs.readFile(path.join(out, 'labelmap.txt'), 'utf8')).toContain('gadget:0,128,0::');
    expect(await fs.readdir(path.join(out, 'JPEGImages'))).toEqual(['q.jpg', 'w.jpg']);
    expect((await sharp(path.join(out, 'JPEGImages/q.jpg')).metadata()).format).toBe('jpeg');
    expect(await fs.readFile(path.join(out, 'Annotations/q.xml'), 'utf8')).toContain(
      '<filename>q.jpg</filename>',
    );
    const xml = await fs.readFile(path.join(out, 'Annotations/w.xml'), 'utf8');
    expect(xml.match(/<object>/g)).toHaveLength(3);
    expect(xml).toContain('<difficult>1</difficult>');
  });
});

describe('labelme specifics', () => {
  it('crops mask PNGs to the inclusive pixel bbox', () => {
    const { mask, widthPx, heightPx } = maskFromArt(['......', '..##..', '...#..', '......']);
    const s = maskShape('m', mask, widthPx, heightPx)!;
    expect(s.points).toEqual([
      [2, 1],
      [3, 2],
    ]);
    const png = decodeSimplePng(Buffer.from(s.mask!, 'base64'));
    expect([png.widthPx, png.heightPx, png.colorType]).toEqual([2, 2, 0]);
    expect(Array.from(png.pixels)).toEqual([1, 1, 0, 1]);
    expect(maskShape('m', new Uint8Array(4), 2, 2)).toBeNull();
  });

  it('writes integer image sizes and null imageData', async () => {
    const p = new MemoryProject(path.join(dir, 'lm'));
    p.addImage('x.png', 33, 17);
    await p.writeImageFiles();
    const out = path.join(dir, 'lm-out');
    await exportDataset(p, { format: 'labelme', outDir: out });
    const text = await fs.readFile(path.join(out, 'x.json'), 'utf8');
    expect(text).toContain('"imageHeight": 17,');
    expect(text).toContain('"imageWidth": 33\n');
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({
      version: '5.5.0',
      flags: {},
      shapes: [],
      imagePath: 'x.png',
      imageData: null,
    });
    expect(Number.isInteger(doc.imageHeight) && Number.isInteger(doc.imageWidth)).toBe(true);
  });

  it('gray PNG encoding round-trips', () => {
    const px = new Uint8Array([0, 1, 1, 0, 1, 0]);
    expect(Array.from(decodeSimplePng(encodeGrayPng(px, 3, 2)).pixels)).toEqual([0, 1, 1, 0, 1, 0]);
    expect(() => encodeGrayPng(px, 4, 2)).toThrow('expected 8 bytes, got 6');
  });
});
