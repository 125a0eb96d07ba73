import { getBackend } from '../../bridge';

/** What the editor area shows before the project has any image: how to add some. */
export function EmptyProject(): React.JSX.Element {
  const browser = getBackend().mode === 'browser';
  return (
    <section className="center empty-project" aria-label="Empty project">
      <div className="card hint">
        <h1>No images yet</h1>
        <p>
          {browser
            ? 'Drop image files anywhere on this window, or use Import images… on the left to upload them or add a folder.'
            : 'Use Import images… on the left to add files or a whole folder.'}
        </p>
        <p className="muted small">
          Then create labels on the right and draw with the tools, or type a prompt to let the model find
          things.
        </p>
      </div>
    </section>
  );
}
