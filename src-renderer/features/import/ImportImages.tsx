import { useState } from 'react';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';

/** Import files or folders (recursive) by path; the report lists every skipped file with its reason. */
export function ImportImages(): React.JSX.Element {
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const [open, setOpen] = useState(false);
  const [paths, setPaths] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<readonly { path: string; reason: string }[]>([]);
  const [relinkFolder, setRelinkFolder] = useState('');

  const relink = async (): Promise<void> => {
    setBusy(true);
    const r = await api().images.relink({ folder: relinkFolder });
    setBusy(false);
    setReport(r.ok ? `${r.value.relinked} missing images found again` : r.error.message);
    if (r.ok) invalidateImages();
  };

  const run = async (): Promise<void> => {
    const list = paths
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    if (list.length === 0) return;
    setBusy(true);
    const r = await api().images.import({ paths: list });
    setBusy(false);
    if (!r.ok) {
      setReport(r.error.message);
      return;
    }
    const { added, duplicates, identical, skipped } = r.value;
    // Identical files are separate images; naming them keeps an unintended copy from going unnoticed.
    const same = identical.slice(0, 3).map((i) => `${i.path.split(/[\\/]/).pop()} = ${i.sameAs}`);
    setReport(
      `${added} added, ${duplicates} duplicates, ${skipped.length} skipped` +
        (identical.length > 0 ? `; ${identical.length} identical to another image (${same.join(', ')})` : ''),
    );
    setSkipped(r.value.skipped);
    invalidateImages();
  };

  if (!open) {
    return (
      <button className="import-toggle" onClick={() => setOpen(true)}>
        Import images…
      </button>
    );
  }
  return (
    <div className="card import" role="dialog" aria-label="Import images">
      <label>
        Files or folders, one per line
        <textarea
          rows={3}
          value={paths}
          onChange={(e) => setPaths(e.target.value)}
          aria-label="Paths to import"
        />
      </label>
      <div className="row">
        <button className="primary" disabled={busy} onClick={() => void run()}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        <button onClick={() => setOpen(false)}>Close</button>
      </div>
      <label>
        Relink a moved folder (missing images are matched by content)
        <input
          value={relinkFolder}
          onChange={(e) => setRelinkFolder(e.target.value)}
          aria-label="Relink folder"
        />
      </label>
      <button disabled={busy || !relinkFolder} onClick={() => void relink()}>
        Relink
      </button>
      {report && <p role="status">{report}</p>}
      {skipped.length > 0 && (
        <ul className="small">
          {skipped.slice(0, 50).map((s) => (
            <li key={s.path}>
              {s.path}: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
