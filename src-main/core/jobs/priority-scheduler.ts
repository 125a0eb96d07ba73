/**
 * Two-level priority gate in front of the one inference worker. Interactive work (clicks, prompts) never
 * waits behind queued batch work: it only waits for the batch step already in flight, and batch steps do
 * not start while any interactive call is pending or running. Batch jobs call `yieldToInteractive()`
 * between steps so that a click arriving mid-image is answered before the image is finished.
 */
export class PriorityScheduler {
  #interactive = 0;
  #batchBusy = false;
  readonly #interactiveWaiters: (() => void)[] = [];
  readonly #batchWaiters: (() => void)[] = [];

  /** Counts for tests and the UI (e.g. "waiting for the batch step"). */
  get state(): { interactive: number; batchBusy: boolean; batchWaiting: number } {
    return {
      interactive: this.#interactive,
      batchBusy: this.#batchBusy,
      batchWaiting: this.#batchWaiters.length,
    };
  }

  async interactive<T>(fn: () => Promise<T>): Promise<T> {
    this.#interactive++;
    try {
      while (this.#batchBusy) await new Promise<void>((resolve) => this.#interactiveWaiters.push(resolve));
      return await fn();
    } finally {
      this.#interactive--;
      this.#wake();
    }
  }

  async batch<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquireBatch(signal);
    try {
      return await fn();
    } finally {
      this.#batchBusy = false;
      this.#wake();
    }
  }

  /** Resolves once no interactive call is pending (a batch job's checkpoint between steps). */
  async yieldToInteractive(signal?: AbortSignal): Promise<void> {
    await this.batch(() => Promise.resolve(), signal);
  }

  async #acquireBatch(signal?: AbortSignal): Promise<void> {
    // A macrotask first, so that interactive calls issued "at the same time" register before we check.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.#interactive > 0 || this.#batchBusy) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => this.#batchWaiters.push(resolve));
      if (signal?.aborted) {
        // Pass the wake-up on, so that another batch waiter is not left behind.
        this.#wake();
        signal.throwIfAborted();
      }
    }
    signal?.throwIfAborted();
    this.#batchBusy = true;
  }

  #wake(): void {
    if (!this.#batchBusy) {
      for (const w of this.#interactiveWaiters.splice(0)) w();
    }
    if (this.#interactive === 0 && !this.#batchBusy) {
      const next = this.#batchWaiters.shift();
      next?.();
    }
  }
}
