/** A thumbnail wanted by a row: who gets it, and how soon (lower first). */
interface Wanted {
  readonly url: string;
  priority: number;
  readonly seq: number;
  readonly onLoad: (objectUrl: string) => void;
  controller: AbortController | null;
}

export interface ThumbnailHandle {
  /** The row moved into or out of view: visible rows are fetched first. */
  setPriority(priority: number): void;
  /** The row is gone: drop the request, aborting it if it is on the wire. */
  cancel(): void;
}

/**
 * Fetches list thumbnails a few at a time, most urgent first, and aborts the ones whose rows scrolled
 * away, so a fast scroll through thousands of rows never queues a request per row passed. Loaded
 * thumbnails are kept as object URLs in a small LRU cache (revoked when evicted).
 */
export class ThumbnailLoader {
  readonly #queue = new Set<Wanted>();
  readonly #running = new Set<Wanted>();
  readonly #cache = new Map<string, string>();
  #seq = 0;
  #paused = false;

  constructor(
    private readonly maxConcurrent = 4,
    private readonly cacheSize = 400,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** Requests `url`; `onLoad` gets an object URL (at once when cached). */
  request(url: string, priority: number, onLoad: (objectUrl: string) => void): ThumbnailHandle {
    const hit = this.#cache.get(url);
    if (hit) {
      this.#cache.delete(url);
      this.#cache.set(url, hit);
      onLoad(hit);
      return { setPriority: () => undefined, cancel: () => undefined };
    }
    const wanted: Wanted = { url, priority, seq: this.#seq++, onLoad, controller: null };
    this.#queue.add(wanted);
    this.#pump();
    return {
      setPriority: (p) => {
        wanted.priority = p;
        this.#pump();
      },
      cancel: () => {
        this.#queue.delete(wanted);
        if (this.#running.delete(wanted)) wanted.controller?.abort();
        this.#pump();
      },
    };
  }

  /**
   * While the list is being scrolled, nothing new starts (rows fly past faster than thumbnails load);
   * requests keep queueing by priority and start when scrolling stops.
   */
  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#pump();
  }

  /** Requests on the wire and waiting (for tests and the bench). */
  get pending(): { running: number; queued: number } {
    return { running: this.#running.size, queued: this.#queue.size };
  }

  dispose(): void {
    for (const w of this.#running) w.controller?.abort();
    this.#running.clear();
    this.#queue.clear();
    for (const url of this.#cache.values()) URL.revokeObjectURL(url);
    this.#cache.clear();
  }

  #pump(): void {
    while (!this.#paused && this.#running.size < this.maxConcurrent && this.#queue.size > 0) {
      let next: Wanted | undefined;
      for (const w of this.#queue)
        if (!next || w.priority < next.priority || (w.priority === next.priority && w.seq < next.seq))
          next = w;
      if (!next) return;
      this.#queue.delete(next);
      this.#start(next);
    }
  }

  #start(w: Wanted): void {
    const controller = new AbortController();
    w.controller = controller;
    this.#running.add(w);
    void this.fetchFn(w.url, { signal: controller.signal })
      .then(async (r) => (r.ok ? r.blob() : null))
      .then(
        (blob) => {
          if (!this.#running.delete(w) || !blob) return;
          const objectUrl = URL.createObjectURL(blob);
          this.#remember(w.url, objectUrl);
          w.onLoad(objectUrl);
        },
        () => {
          this.#running.delete(w);
        },
      )
      .finally(() => this.#pump());
  }

  #remember(url: string, objectUrl: string): void {
    this.#cache.set(url, objectUrl);
    while (this.#cache.size > this.cacheSize) {
      const [oldest, old] = this.#cache.entries().next().value as [string, string];
      this.#cache.delete(oldest);
      URL.revokeObjectURL(old);
    }
  }
}
