import { type BrowserWindow, dialog } from 'electron';
import { type NativeDialogs } from '../core/api';

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'tif', 'tiff', 'gif'];

/**
 * The desktop app's file dialogs, for the service's dialogs.* methods: the main process shows them and
 * hands the chosen paths straight to the service, so the renderer never sees a path.
 */
export function nativeDialogs(window: () => BrowserWindow | null): NativeDialogs {
  const open = async (options: Electron.OpenDialogOptions): Promise<string[] | null> => {
    const parent = window();
    const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
  };
  return {
    pickImages: (pick) =>
      open(
        pick === 'files'
          ? {
              title: 'Add images',
              properties: ['openFile', 'multiSelections'],
              filters: [{ name: 'Images', extensions: IMAGE_EXTENSIONS }],
            }
          : { title: 'Add a folder of images', properties: ['openDirectory'] },
      ),
    pickProjectFolder: async (create) =>
      (
        await open({
          title: create ? 'New project: choose or create its folder' : 'Open project folder',
          properties: create ? ['openDirectory', 'createDirectory'] : ['openDirectory'],
        })
      )?.[0] ?? null,
    pickExportFolder: async (suggestedName) => {
      const parent = window();
      const options: Electron.SaveDialogOptions = {
        title: 'Export to a new folder',
        defaultPath: suggestedName,
        buttonLabel: 'Export',
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const r = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    pickAnnotations: async (pick) =>
      (
        await open(
          pick === 'file'
            ? {
                title: 'Import annotations',
                properties: ['openFile'],
                filters: [{ name: 'Annotations', extensions: ['json', 'yaml', 'yml', 'txt'] }],
              }
            : { title: 'Import annotations from a folder', properties: ['openDirectory'] },
        )
      )?.[0] ?? null,
  };
}
