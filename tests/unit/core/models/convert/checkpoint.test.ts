import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checkpoint } from '../../../../../src-main/core/models/convert/checkpoint';
import { writeSafetensors } from '../../../../../src-main/core/models/convert/safetensors';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-checkpoint-'));
  writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), [
    { name: 'a.weight', dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  ]);
  writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), [
    { name: 'b.idx', dtype: 'I64', shape: [2], data: BigInt64Array.from([0n, 2n]) },
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const index = (map: Record<string, string>) =>
  writeFileSync(
    path.join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: map }),
  );

describe('Checkpoint', () => {
  it('reads a sharded checkpoint through model.safetensors.index.json', () => {
    index({ 'a.weight': 'model-00001-of-00002.safetensors', 'b.idx': 'model-00002-of-00002.safetensors' });
    const c = Checkpoint.open(dir);
    try {
      expect([...c.names].sort()).toEqual(['a.weight', 'b.idx']);
      expect(c.shape('a.weight')).toEqual([2, 3]);
      expect(Array.from(c.source('a.weight').read(2, 3))).toEqual([3, 4, 5]);
      expect(c.integers('b.idx')).toEqual([0, 2]);
      expect(c.weightBytes).toBe(24 + 16);
      expect(() => c.source('b.idx')).toThrow('tensor "b.idx" is I64, expected a float tensor');
    } finally {
      c.close();
    }
  });

  it('refuses an index that points at a tensor the shard lacks, or outside the folder', () => {
    index({ 'c.weight': 'model-00001-of-00002.safetensors' });
    expect(() => Checkpoint.open(dir)).toThrow(
      'the index lists "c.weight" here, but the file has no such tensor',
    );
    index({ 'a.weight': '../model.safetensors' });
    expect(() => Checkpoint.open(dir)).toThrow(
      'weight_map.a.weight: shard "../model.safetensors" is not a file name',
    );
  });
});
