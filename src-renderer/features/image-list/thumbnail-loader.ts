/** A row that wants its thumbnail: how soon (lower first), and what to call when it may load it. */
interface Wanted {
  priority: number;
  readonly seq: number;
  readonly onGrant: () => void;
}

export interface ThumbnailHandle {
  /** The row moved into or out of view: visible rows are served first. */
  setPriority(priority: number): void;
  /** The thumbnail loaded (or failed): its slot goes to the next row. */
  done(): void;
  /** The row is gone: drop it from the queue, or free its slot (the row clears its img src). */
  cancel(): void;
}

/**
 * Lets list rows load their thumbnails a few at a time, most urgent first, and never for rows that
 * scrolled away before their turn: a fast scroll through thousands of rows does not queue a request
 * per row passed. A row loads its <img> only once granted, and clears its src when it goes, which
 * aborts a load still on the wire. The images keep their real addresses, so the browser's cache (and
 * its origin checks) apply as for any image.
 */
export class ThumbnailLoader {
  readonly #queue = new Set<Wanted>();
  readonly #running = new Set<Wanted>();
  #seq = 0;
  #paused = false;

  constructor(private readonly maxConcurrent = 4) {}

  request(priority: number, onGrant: () => void): ThumbnailHandle {
    const wanted: Wanted = { priority, seq: this.#seq++, onGrant };
    this.#queue.add(wanted);
    this.#pump();
    const release = (): void => {
      this.#queue.delete(wanted);
      if (this.#running.delete(wanted)) this.#pump();
    };
    return {
      setPriority: (p) => {
        wanted.priority = p;
        this.#pump();
      },
      done: release,
      cancel: release,
    };
  }

  /**
   * While the list is being scrolled, nothing new starts (rows fly past faster than thumbnails load);
   * rows keep queueing by priority and start when scrolling stops.
   */
  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#pump();
  }

  /** Rows loading and waiting (for tests). */
  get pending(): { running: number; queued: number } {
    return { running: this.#running.size, queued: this.#queue.size };
  }

  dispose(): void {
    this.#running.clear();
    this.#queue.clear();
  }

  #pump(): void {
    while (!this.#paused && this.#running.size < this.maxConcurrent && this.#queue.size > 0) {
      let next: Wanted | undefined;
      for (const w of this.#queue)
        if (!next || w.priority < next.priority || (w.priority === next.priority && w.seq < next.seq))
          next = w;
      if (!next) return;
      this.#queue.delete(next);
      this.#running.add(next);
      next.onGrant();
    }
  }
}
