import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import { walkFiles } from '../../../../src-main/core/formats/files';
import { parseYoloRow } from '../../../../src-main/core/formats/yolo-import';
import { yoloDetectRow, yoloSegmentRow } from '../../../../src-main/core/formats/yolo-export';
import { parse as parseYaml } from 'yaml';
import { yoloNamesFromYaml } from '../../../../src-main/core/formats/yolo-layout';
import { MemoryProject, tempDir } from './memory-project';

/** The checks of Ultralytics' verify_image_label, which drops an image as corrupt when one fails. */
function ultralyticsProblems(text: string, nc: number): string[] {
  const problems: string[] = [];
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (new Set(lines).size !== lines.length) problems.push('duplicate rows');
  for (const line of lines) {
    const cols = line.split(' ');
    if (cols.length !== 5 && cols.length < 7) problems.push(`${cols.length} columns: ${line}`);
    if (cols.length > 5 && cols.length % 2 === 0) problems.push(`odd coordinate count: ${line}`);
    const cls = Number(cols[0]);
    if (!Number.isInteger(cls) || cls < 0 || cls >= nc) problems.push(`class ${cols[0]} vs nc ${nc}`);
    for (const v of cols.slice(1)) {
      if (!/^\d\.\d{6}$/.test(v)) problems.push(`not 6 decimals: ${v}`);
      if (!(Number(v) >= 0 && Number(v) <= 1)) problems.push(`out of [0,1]: ${v}`);
    }
  }
  return problems;
}

describe('YOLO rows', () => {
  it('normalises, clamps and writes 6 decimals', () => {
    expect(yoloDetectRow(0, [-2, 4, 12, 8], 20, 16)).toBe('0 0.250000 0.500000 0.500000 0.500000');
    expect(yoloDetectRow(1, [19.9999999, 0, 5, 5], 20, 16)).toBeNull();
    expect(yoloSegmentRow(2, [-1, -1, 21, 0, 10, 17], 20, 16)).toBe(
      '2 0.000000 0.000000 1.000000 0.000000 0.500000 1.000000',
    );
  });

  it('drops rings with fewer than 3 distinct points after rounding', () => {
    expect(yoloSegmentRow(0, [1, 1, 1.0000001, 1, 5, 5], 20, 16)).toBeNull();
    expect(yoloSegmentRow(0, [0, 0, 30, 0, 40, 0], 20, 16)).toBeNull();
  });

  it('parses rows with Ultralytics rules and names the problem', () => {
    expect(parseYoloRow('0 0.5 0.5 0.2 0.2', 2)).toEqual({
      classIndex: 0,
      geometry: { kind: 'box', x: 0.4, y: 0.4, widthPx: 0.2, heightPx: 0.2 },
      orientedBox: false,
    });
    expect(parseYoloRow('1 0.1 0.1 0.9 0.1 0.5 0.9', 2)).toEqual({
      classIndex: 1,
      geometry: { kind: 'polygon', rings: [[0.1, 0.1, 0.9, 0.1, 0.5, 0.9]] },
      orientedBox: false,
    });
    // 9 columns: an OBB row (four corners), stored as a rotated box once placed on the image.
    expect(parseYoloRow('1 0.1 0.1 0.5 0.1 0.5 0.3 0.1 0.3', 2)).toMatchObject({ orientedBox: true });
    // Polygons keep values slightly outside [0,1]: they are clipped exactly on import, not clamped.
    expect(parseYoloRow('0 -0.005 0.1 0.9 0.1 0.5 1.005', 1)).toMatchObject({
      geometry: { kind: 'polygon', rings: [[-0.005, 0.1, 0.9, 0.1, 0.5, 1.005]] },
    });
    expect(parseYoloRow('0 0.5 0.5 0.2', 2)).toEqual({ error: '4 columns, expected 5 or ≥7' });
    expect(parseYoloRow('0 0.5 0.5 0.2 0.2 0.1', 2)).toEqual({ error: '6 columns, expected 5 or ≥7' });
    expect(parseYoloRow('2 0.5 0.5 0.2 0.2', 2)).toEqual({ error: 'class 2 is not below nc=2' });
    expect(parseYoloRow('0 nan 0.5 0.2 0.2', 2)).toEqual({ error: 'column 2 "nan" is not a finite number' });
    expect(parseYoloRow('0 1.5 0.5 0.2 0.2', 2)).toEqual({
      error: 'column 2 = 1.5 lies outside [0,1] (coordinates must be normalised)',
    });
    expect(parseYoloRow('x 0.5 0.5 0.2 0.2', 2)).toEqual({
      error: 'class "x" is not a non-negative integer',
    });
  });
});

describe('data.yaml', () => {
  it('reads list and map names with a YAML library, and checks the keys and nc', () => {
    expect(yoloNamesFromYaml(parseYaml("names: [cat, \"dog: big\", 'it''s']"))).toEqual([
      'cat',
      'dog: big',
      "it's",
    ]);
    expect(
      yoloNamesFromYaml(parseYaml('path: .  # root\nnames:\n  0: person\n  1: "bicycle"\nnc: 2\n')),
    ).toEqual(['person', 'bicycle']);
    expect(yoloNamesFromYaml(parseYaml('names:\n  - a\n  - b\n'))).toEqual(['a', 'b']);
    expect(yoloNamesFromYaml(parseYaml('names: {0: a, 1: b}'))).toEqual(['a', 'b']);
    // Anchors and multi-line scalars, which the old hand-written subset could not read.
    expect(
      yoloNamesFromYaml(parseYaml('base: &n car\nnames:\n  0: *n\n  1: >-\n    traffic\n    light\n')),
    ).toEqual(['car', 'traffic light']);
    expect(yoloNamesFromYaml(parseYaml('names: {}'))).toEqual([]);
    expect(yoloNamesFromYaml(parseYaml('names:\n'))).toEqual([]);
    expect(() => yoloNamesFromYaml(parseYaml('nc: 2\n'))).toThrow('names: expected a list or a map');
    expect(() => yoloNamesFromYaml(parseYaml('names: {0: a, 2: b}'))).toThrow('keys must be 0..1, found "2"');
    expect(() => yoloNamesFromYaml(parseYaml('nc: 3\nnames: [a, b]'))).toThrow('nc is 3 but names has 2');
  });
});

describe('YOLO export passes Ultralytics checks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('clamps shapes that leave the image, dedupes rows, and keeps class < nc', async () => {
    const p = new MemoryProject(path.join(dir, 'p'));
    const a = p.addLabel('a');
    const b = p.addLabel('b');
    const img = p.addImage('x.jpg', 100, 50);
    p.add(img, a, { kind: 'box', x: -10, y: -10, widthPx: 50, heightPx: 30 });
    p.add(img, a, { kind: 'box', x: -10, y: -10, widthPx: 50, heightPx: 30 });
    p.add(img, b, { kind: 'box', x: 80, y: 40, widthPx: 40.0000005, heightPx: 10 });
    p.add(img, b, { kind: 'polygon', rings: [[-5, -5, 120, 10, 50, 70]] });
    p.add(img, a, { kind: 'polygon', rings: [[0, 0, 0.4, 0, 0.2, 0.00001]] });
    p.add(img, b, { kind: 'point', x: 3, y: 3 });
    await p.writeImageFiles();
    for (const format of ['yolo-detect', 'yolo-seg'] as const) {
      const out = path.join(dir, format);
      const result = await exportDataset(p, { format, outDir: out });
      const files = await walkFiles(path.join(out, 'labels'), ['.txt']);
      expect(files.map((f) => path.relative(out, f))).toEqual([path.join('labels', 'train', 'x.txt')]);
      const text = await fs.readFile(files[0]!, 'utf8');
      expect(ultralyticsProblems(text, 2)).toEqual([]);
      expect(result.counts['skipped:point']).toBe(1);
      if (format === 'yolo-seg') {
        expect(text.trim().split('\n')).toHaveLength(3);
        expect(result.counts.skippedDegenerate).toBe(1);
      }
    }
  });
});
