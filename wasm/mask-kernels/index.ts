/**
 * Mask kernels in WebAssembly (AssemblyScript), for src-shared/mask where typed-array TypeScript stays
 * slower than pycocotools' C, OpenCV or numpy. Built by `npm run build:wasm` into
 * src-shared/mask/wasm/kernels-binary.ts; every kernel has a TS twin with the same output, which the
 * tests compare.
 */
export { resultLen, resultPtr } from './heap';
export { parsedCanonical, parsedTotal } from './counts';
export { mergeStrings } from './merge';
export { countsLen, countsPtr, encodeMask } from './encode';
export { denseCounts, inter, union } from './dense';
export { rowRuns } from './runs';
