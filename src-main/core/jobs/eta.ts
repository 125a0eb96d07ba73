/**
 * Remaining-time estimate from an exponentially weighted mean of item durations: it follows a change of
 * pace (cache hits, then misses) within a few items instead of averaging over the whole run.
 */
export class EtaEstimator {
  #meanMs: number | null = null;
  #lastAt: number;
  readonly #alpha: number;

  constructor(nowMs = Date.now(), alpha = 0.2) {
    this.#lastAt = nowMs;
    this.#alpha = alpha;
  }

  /** Records one finished item. */
  tick(nowMs = Date.now()): void {
    const dt = Math.max(0, nowMs - this.#lastAt);
    this.#lastAt = nowMs;
    this.#meanMs = this.#meanMs === null ? dt : this.#meanMs + this.#alpha * (dt - this.#meanMs);
  }

  /** Milliseconds left for `remaining` items, or null before the first item. */
  etaMs(remaining: number): number | null {
    if (this.#meanMs === null) return null;
    return Math.round(this.#meanMs * Math.max(0, remaining));
  }
}
