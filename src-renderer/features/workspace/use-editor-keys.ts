import { useEffect } from 'react';
import { type ToolController } from '../../tools';
import { isTypingTarget } from '../common/text-field';
import { actionForKey, eventKey, type ShortcutAction } from '../shortcuts/shortcuts';

/**
 * Ctrl/⌘ combinations the tool controller handles (undo, redo, copy, cut, paste, duplicate, select all):
 * the browser's own meaning must not also run — its undo would jump into the last edited text field.
 */
const EDIT_CHORDS = new Set(['z', 'y', 'c', 'x', 'v', 'd', 'a']);

/** App-level actions the editor handles itself (tools, undo, labels… are the ToolController's). */
const APP_ACTIONS: ReadonlySet<ShortcutAction> = new Set([
  'image.next',
  'image.prev',
  'image.nextUnlabelled',
  'review.next',
  'tool.text',
  'view.fit',
  'view.actual',
  'help.toggle',
]);

/**
 * Window-level keys: app actions (next/prev image, fit, help, t for the prompt box), and every other key
 * forwarded to the tool controller unless the canvas already had it (it forwards its own key events).
 * Nothing fires while a text field (input, textarea, select, contenteditable) has focus: typed letters
 * belong to the field.
 */
export function useEditorKeys(
  controller: ToolController,
  canvasHost: React.RefObject<HTMLElement | null>,
  overrides: Readonly<Record<string, string>>,
  onAction: (action: ShortcutAction) => void,
): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (isTypingTarget(e.target)) return;
      // A modal dialog owns the keyboard while it is open (Escape closes it).
      if (document.querySelector('[aria-modal="true"]')) return;
      const target = e.target as HTMLElement | null;
      const action = actionForKey(eventKey(e), overrides);
      if (action && APP_ACTIONS.has(action)) {
        e.preventDefault();
        onAction(action);
        return;
      }
      if (canvasHost.current?.contains(target)) return;
      // The review bar handles its own keys while it has focus.
      if (target?.closest('.review-bar')) return;
      if ((e.ctrlKey || e.metaKey) && EDIT_CHORDS.has(e.key.toLowerCase())) e.preventDefault();
      controller.dispatch({
        kind: 'key-down',
        key: e.key,
        alt: e.altKey,
        shift: e.shiftKey,
        ctrl: e.ctrlKey || e.metaKey,
      });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, canvasHost, overrides, onAction]);
}
