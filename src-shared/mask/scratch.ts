/**
 * A module-owned Int32Array grown on demand and reused across calls: for kernels whose intermediate
 * arrays cost more to allocate (and zero) than to fill; at 640×480 a contour trace would otherwise
 * spend a third of its time in allocation. The contents are valid until the next take() of the same
 * scratch, and are not zeroed.
 */
export class Int32Scratch {
  #buf: Int32Array;

  constructor(initial = 256) {
    this.#buf = new Int32Array(initial);
  }

  /** At least n slots (its length may be larger); a grown buffer keeps the first `keep` values. */
  take(n: number, keep = 0): Int32Array {
    if (this.#buf.length < n) {
      const grown = new Int32Array(Math.max(n, 2 * this.#buf.length));
      if (keep > 0) grown.set(this.#buf.subarray(0, keep));
      this.#buf = grown;
    }
    return this.#buf;
  }

  /** The first n slots, copied from `from` (n = from.length). */
  copyOf(from: Int32Array): Int32Array {
    const buf = this.take(from.length);
    buf.set(from);
    return buf;
  }
}
