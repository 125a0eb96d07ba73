import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskWasmActive } from '@shared/mask/wasm/kernels';
import { MASK_KERNELS_WASM_BASE64 } from '@shared/mask/wasm/kernels-binary';
import { vectorWasmActive } from '../../../../src-main/core/intelligence/wasm/vector-kernels';
import { binaryModuleSource, buildWasm, WASM_TARGETS } from '../../../../scripts/build-mask-wasm';

/**
 * The committed Wasm is what its AssemblyScript source compiles to (with the pinned compiler), and it
 * is the one in use here.
 */
describe('WebAssembly kernel builds', () => {
  for (const target of WASM_TARGETS) {
    it(`rebuilds byte for byte from ${target.entry}`, async () => {
      const binary = await buildWasm(target);
      expect(readFileSync(target.binaryModule, 'utf8')).toBe(binaryModuleSource(target, binary));
    });
  }

  it('keeps the mask kernels under the 4 KiB that a browser main thread may compile synchronously', () => {
    expect(Buffer.from(MASK_KERNELS_WASM_BASE64, 'base64').length).toBeLessThan(4096);
  });

  it('are active in Node', () => {
    expect(maskWasmActive()).toBe(true);
    expect(vectorWasmActive()).toBe(true);
  });
});
