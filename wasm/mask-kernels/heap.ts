/**
 * Memory for the kernels: JS writes the inputs from INPUT_BASE on and passes `heap`, the first free
 * 16-byte aligned address after them; a kernel lays its scratch and outputs out from there, growing the
 * memory as it goes. A kernel that cannot grow it returns OUT_OF_MEMORY and JS runs the TS kernel.
 */

export const OUT_OF_MEMORY: i32 = -3;

/** Makes [0, end) addressable; false when the memory cannot grow that far. */
export function ensure(end: usize): bool {
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return true;
  return memory.grow(<i32>((end - have + 0xffff) >> 16)) >= 0;
}

export function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

/** Where the last kernel left its main output, and how long it is (bytes or elements, per kernel). */
export let resultPtr: usize = 0;
export let resultLen: i32 = 0;

export function setResult(ptr: usize, len: i32): void {
  resultPtr = ptr;
  resultLen = len;
}
