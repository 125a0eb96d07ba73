import { useEffect, useState } from 'react';
import { Dialog } from '../common/Dialog';
import { DEFAULT_SHORTCUTS, eventKey, SHORTCUT_DESCRIPTIONS, type ShortcutAction } from './shortcuts';

/** Every shortcut, and rebinding: "Change", then press the new key (Esc keeps the old one). Esc closes. */
export function ShortcutHelp({
  overrides,
  onChange,
  onClose,
}: {
  readonly overrides: Readonly<Record<string, string>>;
  readonly onChange: (next: Record<string, string>) => void;
  readonly onClose: () => void;
}): React.JSX.Element {
  const actions = Object.keys(DEFAULT_SHORTCUTS) as ShortcutAction[];
  const [capturing, setCapturing] = useState<ShortcutAction | null>(null);

  useEffect(() => {
    if (!capturing) return;
    const onKey = (e: KeyboardEvent): void => {
      e.preventDefault();
      e.stopPropagation();
      if (e.key !== 'Escape' && !['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) {
        onChange({ ...overrides, [capturing]: eventKey(e) });
      }
      if (!['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) setCapturing(null);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [capturing, overrides, onChange]);

  return (
    <Dialog label="Keyboard shortcuts" onClose={onClose}>
      <div className="shortcut-help">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {actions.map((a) => (
              <tr key={a}>
                <td>
                  <kbd>{capturing === a ? 'press a key…' : (overrides[a] ?? DEFAULT_SHORTCUTS[a])}</kbd>
                </td>
                <td>{SHORTCUT_DESCRIPTIONS[a]}</td>
                <td>
                  <button className="link small" onClick={() => setCapturing(a)}>
                    Change
                  </button>
                </td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>1–9</kbd>
              </td>
              <td>Assign the label with that hotkey</td>
              <td />
            </tr>
          </tbody>
        </table>
        <div className="row">
          <button onClick={() => onChange({})}>Reset to defaults</button>
          <button onClick={onClose}>Close</button>
        </div>
      </div>
    </Dialog>
  );
}
