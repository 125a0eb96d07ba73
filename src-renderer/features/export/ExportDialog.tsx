import { useEffect, useState } from 'react';
import { ExportFormatSchema, ImportFormatSchema } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';

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

/** Export the project to a training format, or import annotations from one. */
export function ExportDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const notify = useAppStore((s) => s.notify);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
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
  const [report, setReport] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ phase: string; done: number; total: number } | null>(null);

  useEffect(
    () =>
      api().events.subscribe((event) => {
        if (event.kind === 'transfer_progress') setProgress(event);
      }),
    [],
  );

  const runExport = async (): Promise<void> => {
    setBusy(true);
    const r = await api().exports.run({
      format,
      outDir,
      segmentation,
      boxSegmentation,
      images,
      split: { train: trainPct / 100, val: 1 - trainPct / 100 },
      seed,
      imageFiles,
    });
    setBusy(false);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setReport(
      `Exported ${r.value.images} images and ${r.value.annotations} annotations to ${r.value.outDir}` +
        (r.value.warnings.length > 0 ? `. ${r.value.warnings.join(' ')}` : ''),
    );
  };
  const runImport = async (): Promise<void> => {
    setBusy(true);
    const r = await api().exports.importAnnotations({ format: importFormat, path: importPath });
    setBusy(false);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    const v = r.value;
    setReport(
      `Imported ${v.imported} annotations on ${v.matchedImages} images (${v.duplicates} already there); ${v.unmatched.length} unmatched, ${v.errors.length} errors` +
        (v.errors.length > 0 ? `: ${v.errors.slice(0, 3).join('; ')}` : '') +
        (v.warnings.length > 0 ? `. ${v.warnings.join(' ')}` : ''),
    );
    invalidateImages();
    await refreshLabels();
  };

  return (
    <div className="overlay" role="dialog" aria-label="Export and import" onClick={onClose}>
      <div className="card wide" onClick={(e) => e.stopPropagation()}>
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
            aria-label="Image files"
            value={imageFiles}
            onChange={(e) => setImageFiles(e.target.value as typeof imageFiles)}
          >
            <option value="copy">copy images</option>
            <option value="link">link images</option>
            <option value="reference">reference in place</option>
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
        <label>
          Output folder (must not exist yet, or be empty)
          <input value={outDir} onChange={(e) => setOutDir(e.target.value)} aria-label="Output folder" />
        </label>
        <button className="primary" disabled={busy || !outDir} onClick={() => void runExport()}>
          {busy ? 'Working…' : 'Export'}
        </button>
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
        {busy && progress && (
          <div className="small">
            {progress.phase}: {progress.done}/{progress.total}
            <progress max={Math.max(1, progress.total)} value={progress.done} />
          </div>
        )}
        {report && <p role="status">{report}</p>}
        <button onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
