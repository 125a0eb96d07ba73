import { useEffect, useSyncExternalStore } from 'react';
import { type EditorSnapshot, type EditorStore } from '../model/editor-store';
import { type ControllerSnapshot, type ToolController } from '../tools/controller';

/** The editor store's current snapshot (document, history, proposals, selection of the open image). */
export function useEditorSnapshot(store: EditorStore): EditorSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * The tool controller's snapshot (active tool, overlays, cursor), keeping its screen-pixel tolerances in step
 * with the zoom. Pass the result as AnnotationCanvas' `tool` prop and `controller.dispatch` as `onToolEvent`.
 */
export function useToolSnapshot(controller: ToolController, viewScale: number): ControllerSnapshot {
  useEffect(() => {
    controller.setImagePxPerScreenPx(1 / viewScale);
  }, [controller, viewScale]);
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}
