/**
 * One loader for the AssemblyScript kernel modules (wasm/*, built by `npm run build:wasm` into base64
 * TS modules, so that no asset has to be located at run time). Each module has TypeScript twins with the
 * same output: where WebAssembly is missing or refused (a CSP without 'wasm-unsafe-eval'), or switched
 * off for a comparison, its wrappers return undefined and the callers run the twins.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the WebAssembly API used here (the shared code is compiled without DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const platform = globalThis as unknown as { WebAssembly?: WasmApi; atob(b64: string): string };

export class WasmKernels<E extends { readonly memory: WasmMemory }> {
  readonly #base64: string;
  readonly #keepBytes: number;
  #compiled: object | null | undefined;
  #instance: E | undefined;
  #enabled = true;

  /** `keepBytes`: memory a call leaves behind above this is released (the instance is dropped). */
  constructor(base64: string, keepBytes: number) {
    this.#base64 = base64;
    this.#keepBytes = keepBytes;
  }

  /** The instance, or undefined when switched off or unavailable here. */
  load(): E | undefined {
    if (!this.#enabled) return undefined;
    if (this.#instance) return this.#instance;
    if (this.#compiled === null) return undefined;
    try {
      const api = platform.WebAssembly;
      if (!api) throw new Error('no WebAssembly');
      if (this.#compiled === undefined) {
        const bin = platform.atob(this.#base64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        this.#compiled = new api.Module(bytes);
      }
      this.#instance = new api.Instance(this.#compiled, {}).exports as E;
    } catch {
      this.#compiled = null; // refused here (no WebAssembly, or a CSP): TypeScript from now on
    }
    return this.#instance;
  }

  /** Whether the Wasm kernels are used (true by default where WebAssembly runs); for tests and benches. */
  setEnabled(on: boolean): void {
    this.#enabled = on;
  }

  /** Runs `fn` with the TypeScript twins only. */
  without<T>(fn: () => T): T {
    const was = this.#enabled;
    this.#enabled = false;
    try {
      return fn();
    } finally {
      this.#enabled = was;
    }
  }

  /** The module's memory grown to `bytes` at least; false when it cannot grow. */
  reserve(k: E, bytes: number): boolean {
    const have = k.memory.buffer.byteLength;
    if (bytes <= have) return true;
    try {
      k.memory.grow(Math.ceil((bytes - have) / 65536));
      return true;
    } catch {
      return false;
    }
  }

  /** Drops the instance when a call left it holding more than `keepBytes` (a new one is cheap). */
  release(k: E): void {
    if (k.memory.buffer.byteLength > this.#keepBytes && this.#instance === k) this.#instance = undefined;
  }
}

export function align16(n: number): number {
  return (n + 15) & ~15;
}
