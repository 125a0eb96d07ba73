/**
 * Download speed and time left, smoothed so that the ETA does not jump with every chunk: an exponential
 * moving average of the rate over samples at least `sampleMs` apart. The clock is injected for tests.
 */
export class TransferRate {
  #lastMs: number | undefined;
  #lastBytes = 0;
  #bytesPerSecond: number | null = null;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly sampleMs = 500,
    private readonly smoothing = 0.3,
  ) {}

  /** Feed the running total; returns the smoothed rate (null until a first sample interval has passed). */
  update(receivedBytes: number): number | null {
    const t = this.now();
    if (this.#lastMs === undefined || receivedBytes < this.#lastBytes) {
      this.#lastMs = t;
      this.#lastBytes = receivedBytes;
      return this.#bytesPerSecond;
    }
    const dt = t - this.#lastMs;
    if (dt < this.sampleMs) return this.#bytesPerSecond;
    const rate = ((receivedBytes - this.#lastBytes) * 1000) / dt;
    this.#bytesPerSecond =
      this.#bytesPerSecond === null
        ? rate
        : this.smoothing * rate + (1 - this.smoothing) * this.#bytesPerSecond;
    this.#lastMs = t;
    this.#lastBytes = receivedBytes;
    return this.#bytesPerSecond;
  }

  etaSeconds(receivedBytes: number, totalBytes: number | null): number | null {
    if (totalBytes === null || this.#bytesPerSecond === null || this.#bytesPerSecond <= 0) return null;
    return Math.max(0, (totalBytes - receivedBytes) / this.#bytesPerSecond);
  }
}
