import { useEffect, useState } from 'react';
import { type AppInfo } from '@contract';
import { api, getBackend } from '../bridge';
import { ExportDialog } from '../features/export/ExportDialog';
import { ModelPicker } from '../features/models/ModelPicker';
import { ProjectPicker } from '../features/project-picker/ProjectPicker';
import { Workspace } from '../features/workspace/Workspace';
import { useAppStore } from '../state/app-store';

/** The application shell: top bar, then the project picker or the open project's workspace. */
export function App(): React.JSX.Element {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const project = useAppStore((s) => s.project);
  const setProject = useAppStore((s) => s.setProject);
  const [exportOpen, setExportOpen] = useState(false);

  useEffect(() => {
    void api()
      .settings.appInfo({})
      .then((r) => (r.ok ? setInfo(r.value) : setError(r.error.message)));
    // After a reload the backend may still have a project open: pick it up rather than show the picker.
    void api()
      .projects.current({})
      .then((r) => r.ok && r.value && setProject(r.value));
  }, [setProject]);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">RadioLabel</span>
        <span className="muted">
          {info ? `v${info.version} · ${info.mode} mode` : `${getBackend().mode} mode`}
        </span>
        {project && <span title={project.dir}>{project.name}</span>}
        <span className="spacer" />
        {project && <ModelPicker />}
        {project && <button onClick={() => setExportOpen(true)}>Export / import…</button>}
        {project && (
          <button
            onClick={() => {
              void api()
                .projects.close({})
                .then(() => setProject(null));
            }}
          >
            Close project
          </button>
        )}
      </header>
      <main className="workspace">
        {error ? <p role="alert">Backend error: {error}</p> : project ? <Workspace /> : <ProjectPicker />}
      </main>
      {exportOpen && <ExportDialog onClose={() => setExportOpen(false)} />}
    </div>
  );
}
