import { type ReactNode, useEffect, useRef } from 'react';

/** Open dialogs, innermost last: Escape closes only the innermost one. */
const openDialogs: symbol[] = [];

/**
 * A modal dialog: a dimmed overlay, Escape or a click outside closes it, and focus moves into it when it
 * opens (and back where it was when it closes), so keyboard users land in the dialog.
 */
export function Dialog({
  label,
  onClose,
  children,
  className = 'card',
}: {
  readonly label: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly className?: string;
}): React.JSX.Element {
  const body = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = body.current?.querySelector<HTMLElement>(
      'input:not([type=hidden]), select, textarea, button.primary, button',
    );
    (first ?? body.current)?.focus();
    const me = Symbol('dialog');
    openDialogs.push(me);
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented || openDialogs.at(-1) !== me) return;
      e.preventDefault();
      e.stopPropagation();
      close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      openDialogs.splice(openDialogs.indexOf(me), 1);
      before?.focus?.();
    };
  }, []);
  return (
    <div className="overlay" onClick={onClose}>
      <div
        ref={body}
        className={className}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
      >
        {children}
      </div>
    </div>
  );
}
