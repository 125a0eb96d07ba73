import { type AppEvent } from '@contract';

export type EventListener = (event: AppEvent) => void;

/** Fan-out of main → renderer events; each adapter subscribes once and forwards to its transport. */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket, say) must not stop the others from hearing the event.
      }
    }
  }
}
