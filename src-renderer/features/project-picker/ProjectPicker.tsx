import { useEffect, useState } from 'react';
import { type ProjectInfo, type RecentProject, type Result } from '@contract';
import { api, getBackend } from '../../bridge';
import { useAppStore } from '../../state/app-store';

/** Create, open, recent, and the sample project (offered first on a first run, when nothing is recent). */
export function ProjectPicker(): React.JSX.Element {
  const setProject = useAppStore((s) => s.setProject);
  const [recent, setRecent] = useState<readonly RecentProject[]>([]);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api()
      .projects.recent({})
      .then((r) => r.ok && setRecent(r.value));
  }, []);

  const run = async (call: () => Promise<Result<ProjectInfo | null>>): Promise<void> => {
    setBusy(true);
    setError(null);
    const r = await call();
    setBusy(false);
    if (!r.ok) setError(r.error.message);
    else if (r.value) setProject(r.value);
  };
  const electron = getBackend().mode === 'electron';

  return (
    <section className="picker" aria-label="Project picker">
      <h1>RadioLabel</h1>
      <p className="muted">
        AI-assisted image annotation. One encoder pass per image serves every kind of help.
      </p>
      {recent.length === 0 && (
        <div className="card highlight">
          <strong>First time here?</strong> Try the sample project: six synthetic images with coloured shapes,
          and four labels.
          <button disabled={busy} onClick={() => void run(() => api().projects.openSample({}))}>
            Open sample project
          </button>
        </div>
      )}
      {electron && (
        <div className="card">
          <div className="row">
            <button
              className="primary"
              disabled={busy}
              onClick={() => void run(() => api().dialogs.openProject({ create: true }))}
            >
              New project…
            </button>
            <button
              disabled={busy}
              onClick={() => void run(() => api().dialogs.openProject({ create: false }))}
            >
              Open project…
            </button>
          </div>
        </div>
      )}
      <div className="card">
        <label>
          Project folder
          <input
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            placeholder="/path/to/project"
            aria-label="Project folder"
          />
        </label>
        <label>
          Name (new projects)
          <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Project name" />
        </label>
        <div className="row">
          <button
            disabled={busy || !dir}
            onClick={() => void run(() => api().projects.create(name ? { dir, name } : { dir }))}
          >
            Create project
          </button>
          <button disabled={busy || !dir} onClick={() => void run(() => api().projects.open({ dir }))}>
            Open project
          </button>
          {recent.length > 0 && (
            <button disabled={busy} onClick={() => void run(() => api().projects.openSample({}))}>
              Open sample project
            </button>
          )}
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </div>
      {recent.length > 0 && (
        <div className="card">
          <h2>Recent</h2>
          <ul className="recent">
            {recent.map((p) => (
              <li key={p.dir}>
                <button className="link" onClick={() => void run(() => api().projects.open({ dir: p.dir }))}>
                  {p.name}
                </button>
                <span className="muted"> {p.dir}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
