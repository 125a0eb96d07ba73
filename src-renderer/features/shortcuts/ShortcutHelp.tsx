import { DEFAULT_SHORTCUTS, SHORTCUT_DESCRIPTIONS, type ShortcutAction } from './shortcuts';

export function ShortcutHelp({
  overrides,
  onClose,
}: {
  readonly overrides: Readonly<Record<string, string>>;
  readonly onClose: () => void;
}): React.JSX.Element {
  const actions = Object.keys(DEFAULT_SHORTCUTS) as ShortcutAction[];
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {actions.map((a) => (
              <tr key={a}>
                <td>
                  <kbd>{overrides[a] ?? DEFAULT_SHORTCUTS[a]}</kbd>
                </td>
                <td>{SHORTCUT_DESCRIPTIONS[a]}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>1–9</kbd>
              </td>
              <td>Assign the label with that hotkey</td>
            </tr>
          </tbody>
        </table>
        <p className="muted">Rebind keys in Settings (shortcuts).</p>
        <button onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
