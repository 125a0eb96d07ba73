import { BoxSegmentationSchema, ExportFormatSchema, ImportFormatSchema, type ImageStatus } from '@contract';
import { parseSplit } from '../arg-syntax';
import { checkedByContract, numberFlag, positional, stringFlag, type CliCommand } from '../command';

/** `all`, or a comma list of statuses (`done`, `done,review`). */
function imageSelection(text: string | undefined): 'all' | ImageStatus[] {
  if (text === undefined || text === 'all') return 'all';
  return text.split(',').map((s) => s.trim() as ImageStatus);
}

/** Datasets in and out of a project. */
export const transferCommands: readonly CliCommand[] = [
  {
    path: ['export'],
    summary:
      'export a project as COCO, YOLO (detect/segment/OBB), Pascal VOC, labelme or CVAT for images 1.1',
    usage: `export <project> --format ${ExportFormatSchema.options.join('|')} --out <dir> [--segmentation polygon|rle|auto] [--box-segmentation ${BoxSegmentationSchema.options.join('|')}] [--split train=0.8,val=0.2] [--seed N] [--images all|done|<status,…>] [--image-files copy|link|reference] [--if-exists fail|subfolder|replace]`,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      segmentation: { type: 'string' },
      'box-segmentation': { type: 'string' },
      split: { type: 'string' },
      seed: { type: 'string' },
      images: { type: 'string' },
      'image-files': { type: 'string' },
      'if-exists': { type: 'string' },
    },
    fields: {
      format: '--format',
      outDir: '--out',
      segmentation: '--segmentation',
      boxSegmentation: '--box-segmentation',
      split: '--split',
      seed: '--seed',
      images: '--images',
      imageFiles: '--image-files',
      ifExists: '--if-exists',
    },
    run(args, cli) {
      const split = stringFlag(args, 'split');
      const input = {
        format: checkedByContract(stringFlag(args, 'format')),
        outDir: checkedByContract(stringFlag(args, 'out')),
        segmentation: stringFlag(args, 'segmentation'),
        boxSegmentation: stringFlag(args, 'box-segmentation'),
        images: imageSelection(stringFlag(args, 'images')),
        split: split === undefined ? undefined : parseSplit(split),
        seed: numberFlag(args, 'seed'),
        imageFiles: stringFlag(args, 'image-files'),
        ifExists: stringFlag(args, 'if-exists'),
      };
      // The enums are the contract's to check: the flags are passed on as typed.
      type ExportInput = Parameters<typeof cli.api.exports.run>[0];
      return cli.inProject(positional(args, 0, 'project'), () => cli.api.exports.run(input as ExportInput));
    },
  },
  {
    path: ['import-annotations'],
    summary:
      'import COCO, YOLO, Pascal VOC, labelme or CVAT annotations, matching images by path, name or content',
    usage: `import-annotations <project> --format ${ImportFormatSchema.options.join('|')} <path>`,
    options: { format: { type: 'string' } },
    fields: { format: '--format', path: '<path>' },
    run(args, cli) {
      const dir = positional(args, 0, 'project');
      const file = positional(args, 1, 'path');
      type ImportInput = Parameters<typeof cli.api.exports.importAnnotations>[0];
      const input = { format: checkedByContract(stringFlag(args, 'format')), path: file };
      return cli.inProject(dir, () => cli.api.exports.importAnnotations(input as ImportInput));
    },
  },
];
