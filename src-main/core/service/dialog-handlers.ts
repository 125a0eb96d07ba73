import { type ServiceHandlers } from '@contract';
import { AppError } from '../errors';

/**
 * The native file dialogs the desktop app shows (implemented in electron/, which core never imports).
 * Each answers absolute paths, or null when the user cancelled.
 */
export interface NativeDialogs {
  pickImages(pick: 'files' | 'folder'): Promise<string[] | null>;
  pickProjectFolder(create: boolean): Promise<string | null>;
  /** A new folder for an export (a save dialog); `suggestedName` is its default name. */
  pickExportFolder(suggestedName: string): Promise<string | null>;
  pickAnnotations(pick: 'file' | 'folder'): Promise<string | null>;
}

/**
 * dialogs.*: open the native dialog, then hand its paths to the same service method the typed-path
 * UI uses. Without native dialogs (browser mode) every method answers 'unavailable'.
 */
export function createDialogHandlers(
  dialogs: NativeDialogs | undefined,
  handlers: Omit<ServiceHandlers, 'dialogs'>,
  projectName: () => string,
): Pick<ServiceHandlers, 'dialogs'> {
  const need = (): NativeDialogs => {
    if (!dialogs) {
      throw new AppError(
        'unavailable',
        'native file dialogs exist only in the desktop app: in the browser, drop files or use the upload button',
      );
    }
    return dialogs;
  };
  return {
    dialogs: {
      importImages: async ({ pick }) => {
        const paths = await need().pickImages(pick);
        return paths && paths.length > 0 ? handlers.images.import({ paths }) : null;
      },
      openProject: async ({ create }) => {
        const dir = await need().pickProjectFolder(create);
        if (!dir) return null;
        return create ? handlers.projects.create({ dir }) : handlers.projects.open({ dir });
      },
      exportTo: async (options) => {
        const outDir = await need().pickExportFolder(`${projectName()}-${options.format}`);
        // An existing folder chosen in the dialog is never overwritten: the export goes into a subfolder.
        return outDir ? handlers.exports.run({ ...options, outDir, ifExists: 'subfolder' }) : null;
      },
      importAnnotations: async ({ format, pick }) => {
        const path = await need().pickAnnotations(pick);
        return path ? handlers.exports.importAnnotations({ format, path }) : null;
      },
    },
  };
}
