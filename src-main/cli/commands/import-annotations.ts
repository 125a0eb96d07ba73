import { ImportFormatSchema } from '@contract';
import { importAnnotations, type ImportFormat } from '../../core/formats/import-annotations';
import { projectImportSink } from '../../core/formats/project-adapter';
import { withProject } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import { CliUsageError, positional, requireString, type CliCommand } from '../command';
import { throttledProgress } from './export';

const FORMATS: readonly ImportFormat[] = ImportFormatSchema.options;

export const importAnnotationsCommands: readonly CliCommand[] = [
  {
    path: ['import-annotations'],
    summary:
      'import COCO, YOLO, Pascal VOC, labelme or CVAT annotations, matching images by path, name or content',
    usage: 'import-annotations <project> --format coco|yolo|voc|labelme|cvat <path>',
    options: { format: { type: 'string' } },
    run(args, io) {
      const dir = positional(args, 0, 'project');
      const file = positional(args, 1, 'path');
      const format = requireString(args, 'format');
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new CliUsageError(`--format must be one of ${FORMATS.join('|')}, got "${format}"`);
      }
      return withProject(dir, projectOptionsFrom(io.dataDir), async (project) => {
        const r = await importAnnotations(projectImportSink(project), {
          format: format as ImportFormat,
          path: file,
          onProgress: throttledProgress((m) => io.progress(m)),
        });
        return {
          imported: r.imported,
          matchedImages: r.matchedImages,
          unmatched: r.unmatched,
          errors: r.errors,
          duplicates: r.duplicates,
          warnings: r.warnings,
        };
      });
    },
  },
];
