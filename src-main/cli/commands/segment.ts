import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInferenceEngine, OutOfVocabularyError } from '../../core/inference';
import { segmentImageFile, type BoxPrompt, type ClickPoint, type SegmentRequest } from '../../core/segment';
import {
  CliUsageError,
  optionalNumber,
  positional,
  requireString,
  stringList,
  type CliArgs,
  type CliCommand,
} from '../command';

/** "x,y" or "x,y,+" / "x,y,-" (positive by default). */
export function parseClick(s: string): ClickPoint {
  const m = /^\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*(?:,\s*([+-]))?\s*$/.exec(s);
  if (!m) throw new CliUsageError(`--click must be x,y or x,y,+ or x,y,- (got "${s}")`);
  const x = Number(m[1]);
  const y = Number(m[2]);
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new CliUsageError(`--click has a bad number: "${s}"`);
  return { xPx: x, yPx: y, positive: m[3] !== '-' };
}

/** "x,y,w,h" in image pixels. */
export function parseBox(s: string): BoxPrompt {
  const parts = s.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) {
    throw new CliUsageError(`--box must be x,y,w,h (four numbers), got "${s}"`);
  }
  const [x, y, widthPx, heightPx] = parts as [number, number, number, number];
  if (widthPx <= 0 || heightPx <= 0)
    throw new CliUsageError(`--box needs a positive width and height, got "${s}"`);
  return { x, y, widthPx, heightPx };
}

function requestFrom(args: CliArgs): SegmentRequest {
  const texts = stringList(args, 'text');
  const clicks = stringList(args, 'click').map(parseClick);
  const boxes = stringList(args, 'box');
  if (boxes.length > 1) throw new CliUsageError('give at most one --box');
  const box = boxes[0] !== undefined ? parseBox(boxes[0]) : undefined;
  if (texts.length > 0 && (clicks.length > 0 || box)) {
    throw new CliUsageError('use either --text or --click/--box, not both');
  }
  if (texts.length > 0) {
    if (texts.some((t) => t.trim() === '')) throw new CliUsageError('--text must not be empty');
    return { kind: 'text', prompts: texts };
  }
  if (clicks.length === 0 && !box)
    throw new CliUsageError('give --text "<prompt>", or --click x,y[,+|-], or --box x,y,w,h');
  return { kind: 'prompt', clicks, ...(box ? { box } : {}) };
}

export const segmentCommands: readonly CliCommand[] = [
  {
    path: ['segment'],
    summary: 'segment an image from text prompts, clicks or a box; prints instances (RLE + polygons)',
    usage:
      'segment <image> --model <id> (--text "red" [--text …] | --click x,y[,+|-] … | --box x,y,w,h) [--threshold t] [--min-area px] [--tolerance px] [--no-refine] --json',
    options: {
      model: { type: 'string' },
      text: { type: 'string', multiple: true },
      click: { type: 'string', multiple: true },
      box: { type: 'string', multiple: true },
      threshold: { type: 'string' },
      'min-area': { type: 'string' },
      tolerance: { type: 'string' },
      'no-refine': { type: 'boolean' },
    },
    async run(args, io) {
      const imagePath = path.resolve(positional(args, 0, 'image'));
      const modelId = requireString(args, 'model');
      if (!existsSync(imagePath) || !statSync(imagePath).isFile())
        throw new CliUsageError(`image not found: ${imagePath}`);
      const request = requestFrom(args);
      const threshold = optionalNumber(args, 'threshold');
      if (threshold !== undefined && !(threshold > 0 && threshold < 1)) {
        throw new CliUsageError(`--threshold must be between 0 and 1, got ${threshold}`);
      }
      const minArea = optionalNumber(args, 'min-area');
      if (minArea !== undefined && !(minArea >= 0))
        throw new CliUsageError(`--min-area must be ≥ 0, got ${minArea}`);
      const tolerance = optionalNumber(args, 'tolerance');
      if (tolerance !== undefined && !(tolerance >= 0))
        throw new CliUsageError(`--tolerance must be ≥ 0, got ${tolerance}`);
      const engine = createInferenceEngine({ dataDir: io.dataDir });
      try {
        const models = await engine.listModels();
        if (!models.some((m) => m.id === modelId)) {
          throw new CliUsageError(
            `unknown model "${modelId}" (installed: ${models.map((m) => m.id).join(', ') || 'none'})`,
          );
        }
        io.progress(`segmenting ${path.basename(imagePath)} with model "${modelId}"`);
        const res = await segmentImageFile(engine, imagePath, modelId, request, {
          ...(threshold !== undefined ? { thresholdProb: threshold } : {}),
          ...(minArea !== undefined ? { minAreaPx: minArea } : {}),
          ...(tolerance !== undefined ? { tolerancePx: tolerance } : {}),
          refine: args.values['no-refine'] !== true,
        });
        return { width: res.width, height: res.height, model: res.model, instances: res.instances };
      } catch (e) {
        if (e instanceof OutOfVocabularyError) throw new CliUsageError(e.message);
        if (e instanceof Error && /outside the|positive click|a click or a box/.test(e.message)) {
          throw new CliUsageError(e.message);
        }
        throw e;
      } finally {
        await engine.dispose();
      }
    },
  },
];
