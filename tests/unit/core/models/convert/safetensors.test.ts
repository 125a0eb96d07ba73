import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHalf } from '../../../../../src-main/core/inference/half';
import {
  SafetensorsError,
  SafetensorsFile,
  writeSafetensors,
} from '../../../../../src-main/core/models/convert/safetensors';

const dir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-st-'));

function bf16(values: readonly number[]): Uint16Array {
  const f = Float32Array.from(values);
  return Uint16Array.from(new Uint32Array(f.buffer), (bits) => bits >>> 16);
}

describe('safetensors', () => {
  it('round-trips F32, F16 and BF16 tensors with their shapes and an 8-byte aligned header', () => {
    const file = path.join(dir, 'a.safetensors');
    writeSafetensors(file, [
      { name: 'w', dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-3, 7]) },
      { name: 'h', dtype: 'F16', shape: [3], data: toHalf(Float32Array.from([0.5, -1.25, 65504])) },
      { name: 'b', dtype: 'BF16', shape: [2], data: bf16([1.5, -3]) },
    ]);
    const st = SafetensorsFile.open(file);
    try {
      expect([...st.tensors.keys()]).toEqual(['w', 'h', 'b']);
      expect(st.get('w').shape).toEqual([2, 3]);
      expect((st.get('w').offsetBytes - 8) % 8).toBe(0);
      expect([...st.readFloat32('w')]).toEqual([...Float32Array.from([1, -2, 3.5, 0, 1e-3, 7])]);
      expect([...st.readFloat32('h')]).toEqual([0.5, -1.25, 65504]);
      expect([...st.readFloat32('b')]).toEqual([1.5, -3]);
      expect(st.metadata).toEqual({ format: 'pt' });
    } finally {
      st.close();
    }
  });

  it('names the file and the tensor when a byte range does not fit', () => {
    const file = path.join(dir, 'bad.safetensors');
    const header = Buffer.from(JSON.stringify({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 12] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(file, Buffer.concat([len, header, Buffer.alloc(12)]));
    expect(() => SafetensorsFile.open(file)).toThrow(SafetensorsError);
    expect(() => SafetensorsFile.open(file)).toThrow(/bad\.safetensors: tensor "x": byte range \[0, 12\)/);
  });

  it('refuses a header length past the end of the file', () => {
    const file = path.join(dir, 'short.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(1000n);
    writeFileSync(file, Buffer.concat([len, Buffer.from('{}')]));
    expect(() => SafetensorsFile.open(file)).toThrow(/header length 1000 does not fit/);
  });
});
