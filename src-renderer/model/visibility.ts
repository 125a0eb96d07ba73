import { type LabelId } from '@contract';
import { type Annotation } from './annotation';

/** Per-label hidden and locked states (per-annotation ones live on the annotation). */
export interface LabelStates {
  readonly hiddenLabels: ReadonlySet<LabelId>;
  readonly lockedLabels: ReadonlySet<LabelId>;
}

export const NO_LABEL_STATES: LabelStates = { hiddenLabels: new Set(), lockedLabels: new Set() };

export function isVisible(a: Annotation, labels: LabelStates): boolean {
  return !a.hidden && !labels.hiddenLabels.has(a.labelId);
}

/** Editable = visible and unlocked: a hidden shape is never changed by a click the user cannot see. */
export function isEditable(a: Annotation, labels: LabelStates): boolean {
  return isVisible(a, labels) && !a.locked && !labels.lockedLabels.has(a.labelId);
}
