import { useRef, useState } from 'react';
import { type ImportReport } from '@contract';
import { api, getBackend } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { plural } from '../common/plural';
import { uploadFiles } from './upload-files';

/**
 * Adding images: native file/folder dialogs in the desktop app; in the browser, uploading files or a
 * folder (also by dropping them on the window). Paths on this computer can still be typed, and a moved
 * folder relinked. The report lists every skipped file with its reason.
 */
export function ImportImages(): React.JSX.Element {
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const [open, setOpen] = useState(false);
  const [paths, setPaths] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [report, setReport] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<readonly { path: string; reason: string }[]>([]);
  const [relinkFolder, setRelinkFolder] = useState('');
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const electron = getBackend().mode === 'electron';

  const show = (r: ImportReport & { failed?: readonly { path: string; reason: string }[] }): void => {
    // Identical files are separate images; naming them keeps an unintended copy from going unnoticed.
    const same = r.identical.slice(0, 3).map((i) => `${i.path.split(/[\\/]/).pop()} = ${i.sameAs}`);
    setReport(
      `${r.added} added, ${plural(r.duplicates, 'duplicate')}, ${r.skipped.length + (r.failed?.length ?? 0)} skipped` +
        (r.identical.length > 0
          ? `; ${plural(r.identical.length, 'image')} identical to another (${same.join(', ')})`
          : ''),
    );
    setSkipped([...(r.failed ?? []), ...r.skipped]);
    invalidateImages();
  };

  const relink = async (): Promise<void> => {
    setBusy('Relinking…');
    const r = await api().images.relink({ folder: relinkFolder });
    setBusy(null);
    setReport(r.ok ? `${plural(r.value.relinked, 'missing image')} found again` : r.error.message);
    if (r.ok) invalidateImages();
  };

  const run = async (): Promise<void> => {
    const list = paths
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    if (list.length === 0) return;
    setBusy('Importing…');
    const r = await api().images.import({ paths: list });
    setBusy(null);
    if (!r.ok) return setReport(r.error.message);
    show(r.value);
  };

  const pick = async (which: 'files' | 'folder'): Promise<void> => {
    setBusy('Importing…');
    const r = await api().dialogs.importImages({ pick: which });
    setBusy(null);
    if (!r.ok) return setReport(r.error.message);
    if (r.value) show(r.value);
  };

  const upload = async (list: FileList | null): Promise<void> => {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    const summary = await uploadFiles(files, (done, total) => setBusy(`Uploading ${done} / ${total}…`));
    setBusy(null);
    show(summary);
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
      <div className="row">
        {electron ? (
          <>
            <button className="primary" disabled={busy !== null} onClick={() => void pick('files')}>
              Add files…
            </button>
            <button disabled={busy !== null} onClick={() => void pick('folder')}>
              Add folder…
            </button>
          </>
        ) : (
          <>
            <button className="primary" disabled={busy !== null} onClick={() => filesInput.current?.click()}>
              Upload files…
            </button>
            <button disabled={busy !== null} onClick={() => folderInput.current?.click()}>
              Upload folder…
            </button>
            <input
              ref={filesInput}
              type="file"
              multiple
              accept="image/*,.bmp,.tif,.tiff,.webp"
              hidden
              aria-label="Image files to upload"
              onChange={(e) => void upload(e.target.files).finally(() => (e.target.value = ''))}
            />
            <input
              ref={folderInput}
              type="file"
              hidden
              aria-label="Image folder to upload"
              {...{ webkitdirectory: '' }}
              onChange={(e) => void upload(e.target.files).finally(() => (e.target.value = ''))}
            />
          </>
        )}
      </div>
      {!electron && <p className="muted small">Or drop image files anywhere on this window.</p>}
      <details>
        <summary className="small">Files or folders on this computer, by path</summary>
        <label>
          Files or folders, one per line
          <textarea
            rows={3}
            value={paths}
            onChange={(e) => setPaths(e.target.value)}
            aria-label="Paths to import"
          />
        </label>
        <button disabled={busy !== null} onClick={() => void run()}>
          Import
        </button>
      </details>
      <details>
        <summary className="small">Relink a moved folder</summary>
        <label>
          Missing images are matched by content
          <input
            value={relinkFolder}
            onChange={(e) => setRelinkFolder(e.target.value)}
            aria-label="Relink folder"
          />
        </label>
        <button disabled={busy !== null || !relinkFolder} onClick={() => void relink()}>
          Relink
        </button>
      </details>
      <div className="row">
        <button onClick={() => setOpen(false)}>Close</button>
      </div>
      {busy && (
        <p role="status" className="small">
          {busy}
        </p>
      )}
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
