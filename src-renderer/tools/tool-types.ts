import { type AnnotationId, type ImageId, type LabelId, type Geometry } from '@contract';
import { type IdAllocator } from '../model/annotation';
import { type AnnotationDoc } from '../model/document';
import { type Point, type Rect } from '../model/geometry-ops';
import { type Patch } from '../model/patch';
import { type ProposalOrigin } from '../model/proposals';
import { type LabelStates } from '../model/visibility';

export type PointerButton = 'left' | 'middle' | 'right';

export interface Modifiers {
  readonly alt: boolean;
  readonly shift: boolean;
  /** Ctrl, or Cmd on macOS. */
  readonly ctrl: boolean;
}

/** Pointer positions are in image pixels; the canvas converts from the screen before dispatching. */
export type ToolEvent =
  | ({ readonly kind: 'pointer-down'; readonly button: PointerButton } & Point & Modifiers)
  | ({ readonly kind: 'pointer-move' } & Point & Modifiers)
  | ({ readonly kind: 'pointer-up'; readonly button: PointerButton } & Point & Modifiers)
  | ({ readonly kind: 'double-click' } & Point & Modifiers)
  | ({ readonly kind: 'key-down'; readonly key: string } & Modifiers);

/** What a tool may read. Tolerances are set in screen pixels and converted with `imagePxPerScreenPx`. */
export interface ToolContext {
  readonly imageId: ImageId;
  readonly doc: AnnotationDoc;
  readonly selection: readonly AnnotationId[];
  readonly labels: LabelStates;
  /** The label new shapes get; null while the project has none (drawing tools then ask for one). */
  readonly activeLabelId: LabelId | null;
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  readonly imagePxPerScreenPx: number;
  readonly ids: IdAllocator;
}

export interface SegmentClick {
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
}

export interface SegmentRequest {
  readonly imageId: ImageId;
  readonly clicks: readonly SegmentClick[];
  readonly box: Rect | null;
}

export interface SegmentResult {
  readonly geometry: Geometry;
  readonly score: number | null;
}

/** What a tool asks for; the controller carries it out against the editor store. */
export type ToolEffect =
  | { readonly kind: 'begin-step' }
  | { readonly kind: 'apply'; readonly patch: Patch }
  | { readonly kind: 'end-step' }
  | { readonly kind: 'cancel-step' }
  | { readonly kind: 'select'; readonly ids: readonly AnnotationId[] }
  | { readonly kind: 'segment'; readonly request: SegmentRequest }
  | { readonly kind: 'accept-proposals'; readonly origin: ProposalOrigin }
  | { readonly kind: 'clear-proposals'; readonly origin: ProposalOrigin }
  /** A new shape needs a label and there is none: ask the user for one before anything is drawn. */
  | { readonly kind: 'need-label' };

/** What the canvas draws for a tool in progress, in image pixels. */
export type ToolOverlay =
  | { readonly kind: 'rect'; readonly rect: Rect; readonly dashed: boolean }
  | {
      readonly kind: 'polyline';
      readonly points: readonly Point[];
      readonly cursor: Point | null;
      readonly closable: boolean;
    }
  | {
      readonly kind: 'brush-cursor';
      readonly center: Point;
      readonly radiusPx: number;
      readonly erase: boolean;
    }
  | { readonly kind: 'clicks'; readonly clicks: readonly SegmentClick[] };

export interface ToolStep<S> {
  readonly state: S;
  readonly effects: readonly ToolEffect[];
  /** False when the tool ignored the event, so the global shortcuts may handle it. */
  readonly consumed: boolean;
}

export type ToolName =
  'select' | 'box' | 'rotated-box' | 'polygon' | 'polyline' | 'point' | 'brush' | 'eraser' | 'click-segment';

export interface Tool<S> {
  readonly name: ToolName;
  readonly cursor: string;
  initial(): S;
  handle(state: S, event: ToolEvent, ctx: ToolContext): ToolStep<S>;
  overlay(state: S): readonly ToolOverlay[];
}

export function step<S>(state: S, effects: readonly ToolEffect[] = [], consumed = true): ToolStep<S> {
  return { state, effects, consumed };
}

export function ignored<S>(state: S): ToolStep<S> {
  return { state, effects: [], consumed: false };
}

/** A press that moved less than this (screen pixels) is a click, not a drag. */
export const DRAG_THRESHOLD_SCREEN_PX = 3;
/** How close (screen pixels) the pointer must be to grab a handle or close a polygon. */
export const HANDLE_RADIUS_SCREEN_PX = 6;

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
