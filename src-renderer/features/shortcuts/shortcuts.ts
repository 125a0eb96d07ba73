/** Default keyboard shortcuts; users can rebind them in settings (settings.shortcuts: action → key). */
export const DEFAULT_SHORTCUTS = {
  'tool.select': 'v',
  'tool.box': 'b',
  'tool.rotatedBox': 'o',
  'tool.polygon': 'p',
  'tool.polyline': 'l',
  'tool.point': 'k',
  'tool.brush': 'r',
  'tool.eraser': 'e',
  'tool.click': 's',
  'tool.text': 't',
  'image.next': 'd',
  'image.prev': 'a',
  'image.nextUnlabelled': 'n',
  'review.next': 'pagedown',
  'edit.undo': 'mod+z',
  'edit.redo': 'mod+shift+z',
  'edit.delete': 'delete',
  'edit.duplicate': 'mod+d',
  'edit.copy': 'mod+c',
  'edit.paste': 'mod+v',
  'proposals.accept': 'enter',
  'proposals.reject': 'escape',
  'view.fit': 'f',
  'view.actual': '0',
  'help.toggle': '?',
} as const;

export type ShortcutAction = keyof typeof DEFAULT_SHORTCUTS;

export const SHORTCUT_DESCRIPTIONS: Readonly<Record<ShortcutAction, string>> = {
  'tool.select': 'Select / move / resize',
  'tool.box': 'Box tool',
  'tool.rotatedBox': 'Rotated box tool (turn it by the handle above it)',
  'tool.polygon': 'Polygon tool',
  'tool.polyline': 'Polyline tool (Enter or double-click ends it)',
  'tool.point': 'Point tool',
  'tool.brush': 'Brush ([ and ] change the size)',
  'tool.eraser': 'Eraser',
  'tool.click': 'Click-segment (left +, right/alt −, drag = box)',
  'tool.text': 'Type a text prompt (focuses the prompt box)',
  'image.next': 'Next image',
  'image.prev': 'Previous image',
  'image.nextUnlabelled': 'Next unlabelled image',
  'review.next': 'Next image with proposals to review',
  'edit.undo': 'Undo',
  'edit.redo': 'Redo',
  'edit.delete': 'Delete selection',
  'edit.duplicate': 'Duplicate selection',
  'edit.copy': 'Copy selection',
  'edit.paste': 'Paste (also on another image)',
  'proposals.accept': 'Accept proposal',
  'proposals.reject': 'Reject proposals / cancel',
  'view.fit': 'Fit image',
  'view.actual': 'Zoom 1:1',
  'help.toggle': 'Show this help',
};

/** "mod+shift+z" style key of a keyboard event ("mod" is Ctrl, or ⌘ on macOS). */
export function eventKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('mod');
  if (e.altKey) parts.push('alt');
  const key = e.key.toLowerCase();
  if (e.shiftKey && key.length > 1) parts.push('shift');
  if (e.shiftKey && key === 'z') parts.push('shift');
  parts.push(key === ' ' ? 'space' : key);
  return parts.join('+');
}

/** The action bound to a key, with user overrides taking precedence over the defaults. */
export function actionForKey(
  key: string,
  overrides: Readonly<Record<string, string>>,
): ShortcutAction | undefined {
  const bindings = { ...DEFAULT_SHORTCUTS, ...overrides } as Record<string, string>;
  // A key the user bound wins over an action that has it by default.
  const rebound = (Object.keys(overrides) as ShortcutAction[]).find((a) => bindings[a] === key);
  return rebound ?? (Object.keys(bindings) as ShortcutAction[]).find((a) => bindings[a] === key);
}

const TOOL_ACTIONS = {
  'tool.select': 'select',
  'tool.box': 'box',
  'tool.rotatedBox': 'rotated-box',
  'tool.polygon': 'polygon',
  'tool.polyline': 'polyline',
  'tool.point': 'point',
  'tool.brush': 'brush',
  'tool.eraser': 'eraser',
  'tool.click': 'click-segment',
} as const;

/** Key → tool for the tool controller, with the user's rebindings applied. */
export function toolKeyMap(
  overrides: Readonly<Record<string, string>>,
): Record<string, (typeof TOOL_ACTIONS)[keyof typeof TOOL_ACTIONS]> {
  const out: Record<string, (typeof TOOL_ACTIONS)[keyof typeof TOOL_ACTIONS]> = {};
  for (const [action, tool] of Object.entries(TOOL_ACTIONS)) {
    const key = overrides[action] ?? DEFAULT_SHORTCUTS[action as keyof typeof TOOL_ACTIONS];
    out[key] = tool;
  }
  return out;
}
