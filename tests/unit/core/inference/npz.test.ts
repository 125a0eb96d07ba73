import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npyBytes, writeNpz } from '../../../../src-main/core/inference/npz';
import { readNpz, readNpzWithNumpy } from '../../../fixtures/inference/npz-reader';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-npz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('.npy / .npz writer', () => {
  it('writes a format-1.0 header padded to 64 bytes, with Python tuple shapes', () => {
    const b = npyBytes({ name: 'v', shape: [5], data: Float32Array.from([1, 2, 3, 4, 5]) });
    expect([...b.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = b.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = b.subarray(10, 10 + headerLen).toString('latin1');
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(b.readFloatLE(10 + headerLen + 16)).toBe(5);
    const scalar = npyBytes({ name: 's', shape: [], data: Float32Array.from([7]) });
    expect(scalar.toString('latin1')).toContain("'shape': (), }");
  });

  it('refuses a shape that does not match the data, and names that are not file names', async () => {
    expect(() => npyBytes({ name: 'x', shape: [2, 3], data: new Float32Array(5) })).toThrow(
      'array "x": shape [2, 3] does not hold 5 values',
    );
    await expect(
      writeNpz(path.join(tmp, 'bad.npz'), [{ name: '../x', shape: [1], data: new Float32Array(1) }]),
    ).rejects.toThrow('"../x" is not a usable (or unique) array name');
    expect(readdirSync(tmp).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('round-trips through an independent zip/npy reader and through NumPy (np.load)', async () => {
    const file = path.join(tmp, 'a.npz');
    const grid = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 7 - 1.5);
    const summary = Float32Array.from([Math.PI, -0, 1e-30, 65504.5]);
    await writeNpz(file, [
      { name: 'summary', shape: [1, 4], data: summary },
      { name: 'features', shape: [1, 6, 4], data: grid },
    ]);
    const back = readNpz(file);
    expect(back.get('summary')?.shape).toEqual([1, 4]);
    expect(Array.from(back.get('summary')!.data)).toEqual(Array.from(summary));
    expect(Array.from(back.get('features')!.data)).toEqual(Array.from(grid));
    const np = readNpzWithNumpy(file);
    if (!np.ok) {
      console.log(`skipping the NumPy read-back: ${np.reason}`);
      return;
    }
    expect(np.arrays.features).toEqual({ shape: [1, 6, 4], dtype: 'float32', values: Array.from(grid) });
    expect(np.arrays.summary?.values).toEqual(Array.from(summary));
  });
});
