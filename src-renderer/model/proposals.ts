import { type AnnotationSource, type Geometry, type LabelId } from '@contract';
import { type IdAllocator } from './annotation';
import { makeAnnotation } from './commands';
import { type Patch } from './patch';

/** Where a proposal came from; a new result from one origin replaces that origin's proposals only. */
export type ProposalOrigin = 'click' | 'text' | 'propagated';

/** An AI suggestion. It is not part of the document (nor of undo or autosave) until it is accepted. */
export interface Proposal {
  readonly key: string;
  readonly origin: ProposalOrigin;
  readonly geometry: Geometry;
  /** The label the model suggests; null = use the active label on accept. */
  readonly labelId: LabelId | null;
  readonly score: number | null;
}

export type ProposalList = readonly Proposal[];

function sourceOf(origin: ProposalOrigin): AnnotationSource {
  switch (origin) {
    case 'click':
      return 'click';
    case 'text':
      return 'text';
    case 'propagated':
      return 'propagated';
  }
}

/** Replaces the proposals of one origin, keeping the others. */
export function replaceProposals(
  list: ProposalList,
  origin: ProposalOrigin,
  next: readonly Proposal[],
): ProposalList {
  return [...list.filter((p) => p.origin !== origin), ...next];
}

export function removeProposals(list: ProposalList, keys: readonly string[]): ProposalList {
  return list.filter((p) => !keys.includes(p.key));
}

/** One patch adding the chosen proposals as annotations: accepting is a single undoable step. */
export function acceptProposalsPatch(
  proposals: readonly Proposal[],
  alloc: IdAllocator,
  fallbackLabelId: LabelId,
): Patch {
  return {
    added: proposals.map((p) =>
      makeAnnotation(alloc.next(), {
        labelId: p.labelId ?? fallbackLabelId,
        geometry: p.geometry,
        score: p.score,
        source: sourceOf(p.origin),
      }),
    ),
    updated: [],
    removed: [],
  };
}
