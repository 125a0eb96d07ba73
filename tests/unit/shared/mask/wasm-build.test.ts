import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskWasmActive } from '@shared/mask/wasm/kernels';
import { MASK_KERNELS_WASM_BASE64 } from '@shared/mask/wasm/kernels-binary';
import { BINARY_MODULE, binaryModuleSource, buildMaskWasm } from '../../../../scripts/build-mask-wasm';

/**
 * The committed Wasm is what its AssemblyScript source compiles to (with the pinned compiler), and it
 * is the one in use here.
 */
describe('mask kernels WebAssembly build', () => {
  it('rebuilds byte for byte from wasm/mask-kernels', async () => {
    const binary = await buildMaskWasm();
    expect(readFileSync(BINARY_MODULE, 'utf8')).toBe(binaryModuleSource(binary));
    expect(Buffer.from(MASK_KERNELS_WASM_BASE64, 'base64').equals(Buffer.from(binary))).toBe(true);
  });

  it('stays under the 4 KiB that a browser main thread may compile synchronously', () => {
    expect(Buffer.from(MASK_KERNELS_WASM_BASE64, 'base64').length).toBeLessThan(4096);
  });

  it('is active in Node', () => {
    expect(maskWasmActive()).toBe(true);
  });
});
