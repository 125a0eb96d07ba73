import { useAppStore } from '../../app/app-store';

interface Props {
  readonly onNext: () => void;
  readonly onPrev: () => void;
  readonly onNextUnlabelled: () => void;
}

/** The editing area for the current image. */
export function Editor({ onNext, onPrev, onNextUnlabelled }: Props): React.JSX.Element {
  const current = useAppStore((s) => s.currentImage);
  return (
    <section className="center" aria-label="Editor">
      <div className="toolbar">
        <button onClick={onPrev}>◀ Prev</button>
        <button onClick={onNext}>Next ▶</button>
        <button onClick={onNextUnlabelled}>Next unlabelled</button>
        <span className="muted">{current ? current.fileName : 'No image'}</span>
      </div>
      <div className="canvas-host" />
    </section>
  );
}
