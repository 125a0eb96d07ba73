import { useEffect, useState } from 'react';
import { type AppInfo } from '../../src-preload/contract/groups/settings';
import { api, getBackend } from '../bridge';

/** The application shell: top bar, then the workspace (project picker until a project is open). */
export function App(): React.JSX.Element {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api()
      .settings.appInfo({})
      .then((r) => (r.ok ? setInfo(r.value) : setError(r.error.message)));
  }, []);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">RadioLabel</span>
        <span className="muted">
          {info ? `v${info.version} · ${info.mode} mode` : `${getBackend().mode} mode`}
        </span>
      </header>
      <main className="workspace">
        {error ? (
          <p role="alert">Backend error: {error}</p>
        ) : (
          <p>Open or create a project to start labelling.</p>
        )}
      </main>
    </div>
  );
}
