import { AppError } from '../errors';

/** Click and box prompts in image pixel coordinates, shared by the similarity and decoder paths. */
export interface ClickPoint {
  readonly xPx: number;
  readonly yPx: number;
  /** true: include this region (+); false: exclude it (−). */
  readonly positive: boolean;
}

export interface BoxPrompt {
  readonly x: number;
  readonly y: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** A click or box the user placed where no segmentation can start (outside the image, no positive click). */
export class PromptError extends AppError {
  override readonly name = 'PromptError';
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** Throws a PromptError naming the prompt when a click or box lies outside the image. */
export function validatePrompts(
  clicks: readonly ClickPoint[],
  box: BoxPrompt | undefined,
  widthPx: number,
  heightPx: number,
): void {
  if (clicks.length === 0 && box === undefined) throw new PromptError('a click or a box is needed');
  clicks.forEach((c, i) => {
    if (
      !Number.isFinite(c.xPx) ||
      !Number.isFinite(c.yPx) ||
      c.xPx < 0 ||
      c.yPx < 0 ||
      c.xPx >= widthPx ||
      c.yPx >= heightPx
    ) {
      throw new PromptError(
        `click ${i + 1} at (${c.xPx}, ${c.yPx}) is outside the ${widthPx}×${heightPx} image`,
      );
    }
  });
  if (clicks.length > 0 && !clicks.some((c) => c.positive) && box === undefined) {
    throw new PromptError('at least one positive click (or a box) is needed');
  }
  if (box !== undefined) {
    const { x, y, widthPx: bw, heightPx: bh } = box;
    if (![x, y, bw, bh].every(Number.isFinite) || bw <= 0 || bh <= 0) {
      throw new PromptError(
        `box ${JSON.stringify([x, y, bw, bh])} needs finite numbers and a positive width and height`,
      );
    }
    if (x >= widthPx || y >= heightPx || x + bw <= 0 || y + bh <= 0) {
      throw new PromptError(
        `box ${JSON.stringify([x, y, bw, bh])} is outside the ${widthPx}×${heightPx} image`,
      );
    }
  }
}
