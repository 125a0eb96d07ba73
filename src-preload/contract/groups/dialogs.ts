import { z } from 'zod';
import {
  ExportResultSchema,
  ImportAnnotationsResultSchema,
  ImportFormatSchema,
  exportOptions,
} from './exports';
import { ImportReportSchema } from './images';
import { ProjectInfoSchema } from './projects';
import { method } from './method';

/**
 * Native file dialogs (Electron only; browser mode answers 'unavailable'). Each opens the dialog in the
 * main process and feeds the chosen paths to the same service method the typed-path UI calls, so the
 * renderer never sees a path. null: the user cancelled.
 */
export const dialogsGroup = {
  importImages: method(z.object({ pick: z.enum(['files', 'folder']) }), ImportReportSchema.nullable()),
  openProject: method(z.object({ create: z.boolean() }), ProjectInfoSchema.nullable()),
  exportTo: method(z.object(exportOptions), ExportResultSchema.nullable()),
  importAnnotations: method(
    z.object({ format: ImportFormatSchema, pick: z.enum(['file', 'folder']) }),
    ImportAnnotationsResultSchema.nullable(),
  ),
};
