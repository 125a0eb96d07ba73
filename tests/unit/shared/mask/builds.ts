import { afterAll, beforeAll, describe } from 'vitest';
import { setMaskWasm } from '@shared/mask/wasm/kernels';

/** Declares the suite twice: with the Wasm kernels, and with their TypeScript twins only. */
export function describeBothBuilds(title: string, body: () => void): void {
  for (const [build, on] of [
    ['Wasm', true],
    ['TypeScript', false],
  ] as const) {
    describe(`${title} [${build}]`, () => {
      beforeAll(() => setMaskWasm(on));
      afterAll(() => setMaskWasm(true));
      body();
    });
  }
}
