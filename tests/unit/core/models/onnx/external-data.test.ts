import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXTERNAL_ALIGN_BYTES,
  ExternalDataWriter,
  INLINE_MAX_BYTES,
} from '../../../../../src-main/core/models/onnx/external-data';

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rl-extdata-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const field = (t: { externalData?: { key?: string | null; value?: string | null }[] | null }, key: string) =>
  Number(t.externalData?.find((e) => e.key === key)?.value);

describe('ExternalDataWriter', () => {
  it('keeps small tensors inline and writes large ones at 4 KiB-aligned offsets; the hash is the file’s', () => {
    const w = new ExternalDataWriter(dir, 'm.onnx.data');
    const small = w.tensor('small', 1, [4], new Uint8Array(16).fill(7));
    expect(small.rawData).toHaveLength(16);
    expect(small.externalData).toBeUndefined();
    const a = w.tensor('a', 1, [1500], new Uint8Array(6000).fill(1));
    const b = w.streamedTensor('b', 1, [3000], 12000, (write) => {
      write(new Uint8Array(5000).fill(2));
      write(new Uint8Array(7000).fill(3));
    });
    const { sizeBytes, sha256 } = w.close();
    expect([field(a, 'offset'), field(a, 'length')]).toEqual([0, 6000]);
    expect(field(b, 'offset')).toBe(2 * EXTERNAL_ALIGN_BYTES);
    expect(b.externalData?.find((e) => e.key === 'location')?.value).toBe('m.onnx.data');
    const file = readFileSync(path.join(dir, 'm.onnx.data'));
    expect(file.length).toBe(sizeBytes);
    expect(sizeBytes).toBe(2 * EXTERNAL_ALIGN_BYTES + 12000);
    expect([file[5999], file[6000], file[8192], file[8192 + 5000]]).toEqual([1, 0, 2, 3]);
    expect(createHash('sha256').update(file).digest('hex')).toBe(sha256);
    expect(INLINE_MAX_BYTES).toBeGreaterThan(16);
  });

  it('refuses a streamed tensor whose chunks do not add up', () => {
    const w = new ExternalDataWriter(dir, 'bad.onnx.data');
    expect(() => w.streamedTensor('t', 1, [10], 40, (write) => write(new Uint8Array(8)))).toThrow(
      'tensor "t" wrote 8 bytes, expected 40',
    );
    w.abort();
  });
});
