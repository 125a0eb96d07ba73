import { useEffect } from 'react';
import { type ToolController } from '../../tools';
import { actionForKey, eventKey, type ShortcutAction } from '../shortcuts/shortcuts';

/** App-level actions the editor handles itself (tools, undo, labels… are the ToolController's). */
const APP_ACTIONS: ReadonlySet<ShortcutAction> = new Set([
  'image.next',
  'image.prev',
  'image.nextUnlabelled',
  'view.fit',
  'help.toggle',
]);

/**
 * Window-level keys: app actions (next/prev image, fit, help), and every other key forwarded to the tool
 * controller unless the canvas already had it (it forwards its own key events) or the user is typing.
 */
export function useEditorKeys(
  controller: ToolController,
  canvasHost: React.RefObject<HTMLElement | null>,
  overrides: Readonly<Record<string, string>>,
  onAction: (action: ShortcutAction) => void,
): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')
      )
        return;
      const action = actionForKey(eventKey(e), overrides);
      if (action && APP_ACTIONS.has(action)) {
        e.preventDefault();
        onAction(action);
        return;
      }
      if (canvasHost.current?.contains(target)) return;
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
