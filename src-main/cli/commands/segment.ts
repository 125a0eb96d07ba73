import path from 'node:path';
import { commaList, parseBox, parseClick } from '../arg-syntax';
import {
  checkedByContract,
  CliUsageError,
  numberFlag,
  positional,
  stringFlag,
  stringList,
  type CliCommand,
} from '../command';

/** Commands on an image file outside any project. */
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
    fields: {
      path: '<image>',
      modelId: '--model',
      texts: '--text',
      clicks: '--click',
      box: '--box',
      threshold: '--threshold',
      minAreaPx: '--min-area',
      tolerancePx: '--tolerance',
    },
    run(args, cli) {
      const boxes = stringList(args, 'box');
      if (boxes.length > 1) throw new CliUsageError('give at most one --box');
      return cli.api.inference.segmentFile({
        path: path.resolve(positional(args, 0, 'image')),
        modelId: checkedByContract(stringFlag(args, 'model')),
        texts: stringList(args, 'text'),
        clicks: stringList(args, 'click').map(parseClick),
        box: boxes[0] === undefined ? undefined : parseBox(boxes[0]),
        threshold: numberFlag(args, 'threshold'),
        minAreaPx: numberFlag(args, 'min-area'),
        tolerancePx: numberFlag(args, 'tolerance'),
        refine: args.values['no-refine'] !== true,
      });
    },
  },
  {
    path: ['features'],
    summary:
      "write an image's encoder outputs (float32, the app's own preprocessing) as a NumPy .npz: summary, features, and the bundle's other outputs",
    usage: 'features <image> --model <id> --out <file.npz>',
    options: { model: { type: 'string' }, out: { type: 'string' } },
    fields: { path: '<image>', modelId: '--model', out: '--out' },
    run(args, cli) {
      const out = stringFlag(args, 'out');
      return cli.api.inference.featuresFile({
        path: path.resolve(positional(args, 0, 'image')),
        modelId: checkedByContract(stringFlag(args, 'model')),
        out: checkedByContract(out === undefined ? undefined : path.resolve(out)),
      });
    },
  },
  {
    path: ['tag'],
    summary: 'zero-shot tags: scores of each label for one image (best first)',
    usage: 'tag <image> --labels a,b,c [--model id]',
    options: { labels: { type: 'string' }, model: { type: 'string' } },
    fields: { path: '<image>', labels: '--labels', modelId: '--model' },
    async run(args, cli) {
      const labels = stringFlag(args, 'labels');
      const modelId = stringFlag(args, 'model') ?? (await cli.api.settings.get({})).modelId ?? 'starter';
      return cli.api.inference.tagFile({
        path: path.resolve(positional(args, 0, 'image')),
        labels: checkedByContract(labels === undefined ? undefined : commaList(labels)),
        modelId,
      });
    },
  },
];
