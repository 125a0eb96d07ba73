import { asciiInto, asciiString } from '../ascii';
import { align16, type WasmMemory, WasmKernels } from '../../wasm/wasm-kernels';
import { MASK_KERNELS_WASM_BASE64 } from './kernels-binary';

/**
 * The WebAssembly mask kernels (wasm/mask-kernels): where typed-array TypeScript stays well behind C
 * (merge, encode, dense IoU, row runs), the same algorithms in Wasm with SIMD. Inputs are copied into
 * the module's memory (that copy is part of every timing); each wrapper returns undefined when the
 * module is not available or declines the input, and the caller then runs its TypeScript twin, which
 * gives the same output (the tests run both). The module is under 4 KiB, so it compiles synchronously
 * even on a browser's main thread; where WebAssembly is refused (a CSP without 'wasm-unsafe-eval'),
 * everything stays in TypeScript.
 */

interface WasmGlobal {
  readonly value: number;
}

interface KernelExports {
  readonly memory: WasmMemory;
  readonly resultPtr: WasmGlobal;
  readonly resultLen: WasmGlobal;
  readonly countsPtr: WasmGlobal;
  readonly countsLen: WasmGlobal;
  readonly inter: WasmGlobal;
  readonly union: WasmGlobal;
  mergeStrings(table: number, count: number, intersect: number, heap: number): number;
  encodeMask(src: number, widthPx: number, heightPx: number, heap: number, withString: number): number;
  denseCounts(a: number, b: number, n: number): void;
  rowRuns(src: number, widthPx: number, heightPx: number, heap: number): number;
}

/** Inputs start here; the module has no static data below it. */
const INPUT_BASE = 64;
/** Inputs larger than this stay in TypeScript (the module's memory would have to grow past it). */
const MAX_INPUT_BYTES = 256 * 2 ** 20;
/** Memory a call leaves behind above this is released (the instance is dropped; a new one is cheap). */
const KEEP_BYTES = 128 * 2 ** 20;

const kernels = new WasmKernels<KernelExports>(MASK_KERNELS_WASM_BASE64, KEEP_BYTES);
const load = (): KernelExports | undefined => kernels.load();
const reserve = (k: KernelExports, bytes: number): boolean => kernels.reserve(k, bytes);
const release = (k: KernelExports): void => kernels.release(k);

/** Whether the Wasm kernels are used (true by default where WebAssembly runs); for tests and benches. */
export function setMaskWasm(on: boolean): void {
  kernels.setEnabled(on);
}

/** Runs `fn` with the TypeScript kernels only (for comparisons in tests and benches). */
export function withoutMaskWasm<T>(fn: () => T): T {
  return kernels.without(fn);
}

/** Whether the Wasm kernels are in use here. */
export function maskWasmActive(): boolean {
  return load() !== undefined;
}

function copyIn(k: KernelExports, data: Uint8Array): number | undefined {
  if (data.length > MAX_INPUT_BYTES || !reserve(k, INPUT_BASE + data.length + 16)) return undefined;
  new Uint8Array(k.memory.buffer).set(data, INPUT_BASE);
  return align16(INPUT_BASE + data.length);
}

/** pycocotools merge of counts strings (2 or more); undefined when Wasm is off or declines them. */
export function wasmMergeStrings(strings: readonly string[], intersect: boolean): string | undefined {
  const k = load();
  if (!k) return undefined;
  let bytes = 8 * strings.length;
  for (const s of strings) bytes += s.length + 2;
  if (bytes > MAX_INPUT_BYTES || !reserve(k, INPUT_BASE + bytes + 16)) return undefined;
  const u8 = new Uint8Array(k.memory.buffer);
  const table = new Int32Array(k.memory.buffer, INPUT_BASE, 2 * strings.length);
  let at = INPUT_BASE + 8 * strings.length;
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]!;
    if (!asciiInto(s, u8.subarray(at, at + s.length))) return undefined; // TS names the bad char
    u8[at + s.length] = 0;
    u8[at + s.length + 1] = 0;
    table[2 * i] = at;
    table[2 * i + 1] = s.length;
    at += s.length + 2;
  }
  const status = k.mergeStrings(INPUT_BASE, strings.length, intersect ? 1 : 0, align16(at));
  const out =
    status === 0
      ? asciiString(new Uint8Array(k.memory.buffer, k.resultPtr.value), k.resultLen.value)
      : undefined;
  release(k);
  return out;
}

/** pycocotools encode of a row-major mask: its counts, and its counts string when asked. */
export function wasmEncodeMask(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  withString: boolean,
): { counts: Uint32Array; text: string | undefined } | undefined {
  const k = load();
  if (!k) return undefined;
  const heap = copyIn(k, mask);
  if (heap === undefined || k.encodeMask(INPUT_BASE, widthPx, heightPx, heap, withString ? 1 : 0) !== 0) {
    return undefined;
  }
  const buf = k.memory.buffer;
  const counts = new Uint32Array(buf, k.countsPtr.value, k.countsLen.value).slice();
  const text = withString
    ? asciiString(new Uint8Array(buf, k.resultPtr.value), k.resultLen.value)
    : undefined;
  release(k);
  return { counts, text };
}

/** Intersection and union pixel counts of two same-size masks. */
export function wasmDenseCounts(a: Uint8Array, b: Uint8Array): { inter: number; union: number } | undefined {
  const k = load();
  if (!k) return undefined;
  const n = a.length;
  const bAt = align16(INPUT_BASE + n);
  if (2 * n > MAX_INPUT_BYTES || !reserve(k, bAt + n + 16)) return undefined;
  const u8 = new Uint8Array(k.memory.buffer);
  u8.set(a, INPUT_BASE);
  u8.set(b, bAt);
  k.denseCounts(INPUT_BASE, bAt, n);
  const out = { inter: k.inter.value, union: k.union.value };
  release(k);
  return out;
}

/**
 * Horizontal runs of a row-major mask, as extractRowRuns gives them, handed to `take` as views of the
 * module's memory (valid during the call only: copy what you keep).
 */
export function wasmRowRuns<T>(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  take: (count: number, starts: Int32Array, ends: Int32Array, rowFirst: Int32Array) => T,
): T | undefined {
  const k = load();
  if (!k || !(widthPx >= 1 && heightPx >= 1)) return undefined;
  const heap = copyIn(k, mask);
  if (heap === undefined || k.rowRuns(INPUT_BASE, widthPx, heightPx, heap) !== 0) return undefined;
  const buf = k.memory.buffer;
  const n = k.resultLen.value;
  const at = k.resultPtr.value;
  const out = take(
    n,
    new Int32Array(buf, at, n),
    new Int32Array(buf, at + 4 * n, n),
    new Int32Array(buf, at + 8 * n, heightPx + 1),
  );
  release(k);
  return out;
}
