const NON_TEXT_INPUTS = new Set([
  'button',
  'checkbox',
  'color',
  'file',
  'radio',
  'range',
  'reset',
  'submit',
  'image',
]);

/**
 * Whether keys typed now go into a text field (an input that takes text, a textarea, a select, or
 * anything contenteditable): then no tool or navigation shortcut may fire. Checks the event target and
 * the focused element (a key sent to the page while a field has focus still belongs to the field).
 */
export function isTypingTarget(target: EventTarget | null, doc: Document = document): boolean {
  return isTextField(target) || isTextField(doc.activeElement);
}

function isTextField(node: EventTarget | Element | null): boolean {
  if (!node || !(node instanceof Element)) return false;
  const el = node as HTMLElement;
  if (el.isContentEditable) return true;
  switch (el.tagName) {
    case 'TEXTAREA':
    case 'SELECT':
      return true;
    case 'INPUT':
      return !NON_TEXT_INPUTS.has((el as HTMLInputElement).type);
    default:
      return false;
  }
}
