import { useEffect, useState } from 'react';
import {
  ExportFormatSchema,
  ImportFormatSchema,
  type IfExists,
  type Result,
  type ExportResult,
} from '@contract';
import { api, getBackend, startDownload } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { Dialog } from '../common/Dialog';
import { plural } from '../common/plural';

type ExportFormat = (typeof ExportFormatSchema.options)[number];
type ImportFormat = (typeof ImportFormatSchema.options)[number];

const FORMAT_NAMES: Readonly<Record<ExportFormat, string>> = {
  coco: 'COCO instances (polygons + RLE)',
  'yolo-detect': 'YOLO detect',
  'yolo-seg': 'YOLO segment',
  'yolo-obb': 'YOLO oriented boxes',
  voc: 'Pascal VOC',
  labelme: 'labelme JSON',
  cvat: 'CVAT for images 1.1',
};

/** What the last run in this dialog did: only ever this run's own result. */
type Outcome =
  | { readonly kind: 'done'; readonly text: string; readonly warnings: readonly string[] }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'not-empty'; readonly dir: string; readonly entries: number };

function folderNotEmpty(details: unknown): { dir: string; entries: number } | null {
  const d = details as { reason?: unknown; dir?: unknown; entries?: unknown } | undefined;
  return d?.reason === 'folder_not_empty' && typeof d.dir === 'string'
    ? { dir: d.dir, entries: typeof d.entries === 'number' ? d.entries : 0 }
    : null;
}

const exported = (v: Pick<ExportResult, 'images' | 'annotations' | 'warnings'>, where: string): Outcome => ({
  kind: 'done',
  text: `Exported ${plural(v.images, 'image')} and ${plural(v.annotations, 'annotation')} ${where}`,
  warnings: v.warnings,
});

/**
 * Export the project to a training format — as a zip download (browser), into a chosen folder (native
 * dialog in the desktop app) or a typed folder — or import annotations from one. The dialog shows this
 * run's own outcome; an existing non-empty folder is handled by choice (a new subfolder, or replacing
 * its content after confirmation).
 */
export function ExportDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const electron = getBackend().mode === 'electron';
  const [format, setFormat] = useState<ExportFormat>('coco');
  const [outDir, setOutDir] = useState('');
  const [segmentation, setSegmentation] = useState<'auto' | 'polygon' | 'rle'>('auto');
  const [boxSegmentation, setBoxSegmentation] = useState<'polygon' | 'none'>('polygon');
  const [images, setImages] = useState<'all' | 'done'>('all');
  const [trainPct, setTrainPct] = useState(80);
  const [seed, setSeed] = useState(0);
  const [imageFiles, setImageFiles] = useState<'copy' | 'link' | 'reference'>('copy');
  const [importFormat, setImportFormat] = useState<ImportFormat>('coco');
  const [importPath, setImportPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [confirmReplace, setConfirmReplace] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ phase: string; done: number; total: number } | null>(null);

  useEffect(
    () =>
      api().events.subscribe((event) => {
        if (event.kind === 'transfer_progress') setProgress(event);
      }),
    [],
  );

  const options = {
    format,
    segmentation,
    boxSegmentation,
    images,
    split: { train: trainPct / 100, val: 1 - trainPct / 100 },
    seed,
  };
  /** Runs one export or import: the previous outcome is cleared first, so nothing stale is shown. */
  const runStep = async <T,>(
    call: () => Promise<Result<T>>,
    done: (v: T) => Outcome | null,
  ): Promise<void> => {
    setBusy(true);
    setOutcome(null);
    setProgress(null);
    const r = await call();
    setBusy(false);
    if (r.ok) {
      const o = done(r.value);
      if (o) setOutcome(o);
      return;
    }
    const notEmpty = folderNotEmpty(r.error.details);
    setOutcome(notEmpty ? { kind: 'not-empty', ...notEmpty } : { kind: 'error', text: r.error.message });
  };
  const exportToFolder = (ifExists: IfExists): Promise<void> =>
    runStep(
      () => api().exports.run({ ...options, imageFiles, outDir, ifExists }),
      (v) => exported(v, `to ${v.outDir}`),
    );
  const exportPicked = (): Promise<void> =>
    runStep(
      () => api().dialogs.exportTo({ ...options, imageFiles }),
      (v) => (v ? exported(v, `to ${v.outDir}`) : null),
    );
  const download = (): Promise<void> =>
    runStep(
      () => api().exports.prepareDownload(options),
      (v) => {
        startDownload(v.downloadId, v.fileName);
        return exported(v, `into ${v.fileName} (downloading)`);
      },
    );
  const runImport = (picked?: 'file' | 'folder'): Promise<void> =>
    runStep(
      () =>
        picked
          ? api().dialogs.importAnnotations({ format: importFormat, pick: picked })
          : api().exports.importAnnotations({ format: importFormat, path: importPath }),
      (v) => {
        if (!v) return null;
        invalidateImages();
        void refreshLabels();
        return {
          kind: v.errors.length > 0 ? 'error' : 'done',
          text:
            `Imported ${plural(v.imported, 'annotation')} on ${plural(v.matchedImages, 'image')}; ${v.unmatched.length} unmatched, ${plural(v.errors.length, 'error')}` +
            (v.errors.length > 0 ? `: ${v.errors.slice(0, 3).join('; ')}` : ''),
          warnings: v.warnings,
        };
      },
    );

  return (
    <Dialog label="Export and import" onClose={onClose} className="card wide">
      <h2>Export</h2>
      <div className="row">
        <select
          aria-label="Export format"
          value={format}
          onChange={(e) => setFormat(e.target.value as ExportFormat)}
        >
          {ExportFormatSchema.options.map((f) => (
            <option key={f} value={f}>
              {FORMAT_NAMES[f]}
            </option>
          ))}
        </select>
        <select
          aria-label="Segmentation"
          value={segmentation}
          disabled={format !== 'coco'}
          onChange={(e) => setSegmentation(e.target.value as typeof segmentation)}
        >
          <option value="auto">auto (RLE for holes/parts)</option>
          <option value="polygon">polygons</option>
          <option value="rle">RLE</option>
        </select>
        <select
          aria-label="Box segmentation"
          value={boxSegmentation}
          disabled={format !== 'coco'}
          onChange={(e) => setBoxSegmentation(e.target.value as typeof boxSegmentation)}
        >
          <option value="polygon">boxes: 4-corner polygon</option>
          <option value="none">boxes: no segmentation</option>
        </select>
        <select
          aria-label="Images"
          value={images}
          onChange={(e) => setImages(e.target.value as typeof images)}
        >
          <option value="all">all images</option>
          <option value="done">done only</option>
        </select>
      </div>
      <div className="row small">
        <label className="row">
          train %
          <input
            type="number"
            min={0}
            max={100}
            value={trainPct}
            onChange={(e) => setTrainPct(Number(e.target.value))}
          />
        </label>
        <label className="row">
          seed
          <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
        </label>
      </div>
      <div className="row">
        {electron ? (
          <button className="primary" disabled={busy} onClick={() => void exportPicked()}>
            Export to a folder…
          </button>
        ) : (
          <button className="primary" disabled={busy} onClick={() => void download()}>
            Download as .zip
          </button>
        )}
      </div>
      <details>
        <summary className="small">Or write into a folder on this computer, by path</summary>
        <label>
          Output folder
          <input value={outDir} onChange={(e) => setOutDir(e.target.value)} aria-label="Output folder" />
        </label>
        <div className="row">
          <select
            aria-label="Image files"
            value={imageFiles}
            onChange={(e) => setImageFiles(e.target.value as typeof imageFiles)}
          >
            <option value="copy">copy images</option>
            <option value="link">link images</option>
            <option value="reference">reference in place</option>
          </select>
          <button disabled={busy || !outDir} onClick={() => void exportToFolder('fail')}>
            {busy ? 'Working…' : 'Export'}
          </button>
        </div>
      </details>
      {outcome?.kind === 'not-empty' && (
        <div className="card choice" role="alert" aria-label="Folder not empty">
          <p>
            {outcome.dir} already holds {plural(outcome.entries, 'entry', 'entries')}. Nothing was written.
          </p>
          <div className="row">
            <button className="primary" onClick={() => void exportToFolder('subfolder')}>
              Export into a new subfolder
            </button>
            <button className="danger" onClick={() => setConfirmReplace(outcome.dir)}>
              Replace its content…
            </button>
          </div>
        </div>
      )}
      {busy && progress && (
        <div className="small">
          {progress.phase}: {progress.done}/{progress.total}
          <progress max={Math.max(1, progress.total)} value={progress.done} />
        </div>
      )}
      {busy && !progress && (
        <p className="small" role="status">
          Working…
        </p>
      )}
      {outcome?.kind === 'done' && (
        <div role="status" className="outcome ok">
          <p>{outcome.text}</p>
          {outcome.warnings.length > 0 && (
            <ul className="small warn">
              {outcome.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {outcome?.kind === 'error' && (
        <p role="alert" className="outcome error">
          Failed: {outcome.text}
        </p>
      )}
      <h2>Import annotations</h2>
      <div className="row">
        <select
          aria-label="Import format"
          value={importFormat}
          onChange={(e) => setImportFormat(e.target.value as ImportFormat)}
        >
          {ImportFormatSchema.options.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
        {electron && (
          <>
            <button disabled={busy} onClick={() => void runImport('file')}>
              Choose file…
            </button>
            <button disabled={busy} onClick={() => void runImport('folder')}>
              Choose folder…
            </button>
          </>
        )}
        <input
          value={importPath}
          onChange={(e) => setImportPath(e.target.value)}
          placeholder="COCO json, YOLO folder or data.yaml, VOC folder, labelme json or folder, CVAT annotations.xml"
          aria-label="Import path"
        />
        <button disabled={busy || !importPath} onClick={() => void runImport()}>
          Import
        </button>
      </div>
      <div className="row">
        <button onClick={onClose}>Close</button>
      </div>
      {confirmReplace && (
        <Dialog label="Replace folder" onClose={() => setConfirmReplace(null)}>
          <p>Delete everything in {confirmReplace} and put this export there instead?</p>
          <p className="muted small">
            The old content is removed only after the new export has been written.
          </p>
          <div className="row">
            <button
              className="danger"
              onClick={() => {
                setConfirmReplace(null);
                void exportToFolder('replace');
              }}
            >
              Replace
            </button>
            <button onClick={() => setConfirmReplace(null)}>Cancel</button>
          </div>
        </Dialog>
      )}
    </Dialog>
  );
}
