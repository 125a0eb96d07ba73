import { isDeepStrictEqual } from 'node:util';

/** What an annotation should look like in the project: there with this label and geometry, or gone. */
export type AnnotationState =
  | {
      readonly kind: 'present';
      readonly imageId: number;
      readonly labelId: number;
      readonly geometry: unknown;
    }
  | { readonly kind: 'absent' };

interface Entry {
  /** The store's id, once an add was acknowledged. */
  id: number | null;
  /** Acknowledged edits of this annotation (add, updates, remove). */
  acked: number;
  /** The state the last acknowledged edit left. */
  state: AnnotationState | null;
  /**
   * An edit whose answer never came (the server was killed with it in flight): it may or may not have
   * landed, so either state is right, and the annotation is edited no more.
   */
  unanswered: AnnotationState | null;
}

/** An annotation row as read back from the project. */
export interface StoredAnnotation {
  readonly clientId: string;
  readonly imageId: number;
  readonly labelId: number;
  readonly geometry: unknown;
}

export interface LedgerCheck {
  /** Acknowledged edits, and those the project still shows (their annotation is in their state). */
  readonly acknowledged: number;
  readonly present: number;
  /** Edits that never got an answer (excluded: either outcome is right). */
  readonly unanswered: number;
  /** Annotations whose stored state matches no acknowledged state, with what was expected. */
  readonly mismatches: readonly string[];
}

/**
 * Every edit the soak's driver sent, by client id: what the server acknowledged, and what it never
 * answered. At the end, each annotation's stored state must be its last acknowledged state, or the state
 * its one unanswered edit would have left.
 */
export class EditLedger {
  readonly #entries = new Map<string, Entry>();
  #unanswered = 0;

  /** Annotations that may be edited further: acknowledged, present, and with no edit left unanswered. */
  editable(imageId: number): { clientId: string; id: number }[] {
    const out: { clientId: string; id: number }[] = [];
    for (const [clientId, e] of this.#entries) {
      if (e.id !== null && !e.unanswered && e.state?.kind === 'present' && e.state.imageId === imageId)
        out.push({ clientId, id: e.id });
    }
    return out;
  }

  acknowledged(clientId: string, next: AnnotationState, id?: number): void {
    const e = this.#entry(clientId);
    if (id !== undefined) e.id = id;
    e.acked++;
    e.state = next;
  }

  unanswered(clientId: string, next: AnnotationState): void {
    this.#unanswered++;
    this.#entry(clientId).unanswered = next;
  }

  check(stored: readonly StoredAnnotation[]): LedgerCheck {
    const byClient = new Map(stored.map((s) => [s.clientId, s]));
    let acknowledged = 0;
    let present = 0;
    const mismatches: string[] = [];
    for (const [clientId, e] of this.#entries) {
      acknowledged += e.acked;
      const row = byClient.get(clientId);
      const actual: AnnotationState = row
        ? { kind: 'present', imageId: row.imageId, labelId: row.labelId, geometry: row.geometry }
        : { kind: 'absent' };
      // An add that was never answered and did not land leaves nothing: absent is right.
      const allowed = [e.state ?? { kind: 'absent' as const }, ...(e.unanswered ? [e.unanswered] : [])];
      if (allowed.some((s) => isDeepStrictEqual(s, actual))) present += e.acked;
      else
        mismatches.push(
          `${clientId}: expected ${allowed.map((s) => describe(s)).join(' or ')}, found ${describe(actual)}`,
        );
    }
    return { acknowledged, present, unanswered: this.#unanswered, mismatches };
  }

  #entry(clientId: string): Entry {
    let e = this.#entries.get(clientId);
    if (!e) {
      e = { id: null, acked: 0, state: null, unanswered: null };
      this.#entries.set(clientId, e);
    }
    return e;
  }
}

function describe(s: AnnotationState): string {
  return s.kind === 'absent'
    ? 'absent'
    : `on image ${s.imageId}, label ${s.labelId}, ${JSON.stringify(s.geometry).slice(0, 80)}`;
}
