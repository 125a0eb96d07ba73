import { useState } from 'react';
import { ImageStatusSchema, type ImageStatus } from '@contract';
import { api } from '../../bridge';
import { type ToolName } from '../../tools';
import { useAppStore } from '../../state/app-store';
import { type EditorSession } from './editor-session';

const TOOL_BUTTONS: readonly { name: ToolName; title: string; key: string }[] = [
  { name: 'select', title: 'Select', key: 'V' },
  { name: 'box', title: 'Box', key: 'B' },
  { name: 'rotated-box', title: 'Rotated box', key: 'O' },
  { name: 'polygon', title: 'Polygon', key: 'P' },
  { name: 'polyline', title: 'Polyline', key: 'L' },
  { name: 'point', title: 'Point', key: 'K' },
  { name: 'brush', title: 'Brush', key: 'R' },
  { name: 'eraser', title: 'Eraser', key: 'E' },
  { name: 'click-segment', title: 'Click-segment', key: 'S' },
];

/** Masks become polygons this simplified by default: smooth outlines, not pixel staircases. */
export const DEFAULT_POLYGON_TOLERANCE_PX = 1.5;

interface Props {
  readonly session: EditorSession;
  readonly tool: ToolName;
  readonly canUndo: boolean;
  readonly zoomPercent: number;
  readonly position: number | null;
  readonly total: number | null;
  readonly onFit: () => void;
  readonly onOneToOne: () => void;
  readonly onPrev: () => void;
  readonly onNext: () => void;
  readonly onNextUnlabelled: () => void;
  readonly onHelp: () => void;
}

/** Tools, shape edits, zoom, and where you are: the current file and its position in the list. */
export function EditorToolbar(props: Props): React.JSX.Element {
  const { session, tool } = props;
  const { store, controller } = session;
  const current = useAppStore((s) => s.currentImage);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const notify = useAppStore((s) => s.notify);
  const [tolerancePx, setTolerancePx] = useState(DEFAULT_POLYGON_TOLERANCE_PX);

  const setStatus = (status: ImageStatus): void => {
    if (!current) return;
    void api()
      .images.setStatus({ imageId: current.id, status })
      .then((r) => {
        if (!r.ok) return notify({ kind: 'error', text: r.error.message });
        setCurrentImage(r.value);
        invalidateImages();
      });
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Editor tools">
      {TOOL_BUTTONS.map((t) => (
        <button
          key={t.name}
          className={tool === t.name ? 'active' : ''}
          title={`${t.title} (${t.key})`}
          onClick={() => controller.setTool(t.name)}
        >
          {t.title}
        </button>
      ))}
      <button title="Undo (Ctrl+Z)" aria-label="Undo" onClick={() => store.undo()} disabled={!props.canUndo}>
        ↶
      </button>
      <button
        title="Redo (Ctrl+Shift+Z)"
        aria-label="Redo"
        onClick={() => store.redo()}
        disabled={!props.canUndo}
      >
        ↷
      </button>
      <span className="group">
        <button
          title={`Selected masks → polygons, simplified to ${tolerancePx} px`}
          onClick={() => void controller.convertSelection('polygon', tolerancePx)}
        >
          → Polygon
        </button>
        <label
          className="slider small"
          title="Polygon tolerance: how far a simplified polygon may stray from the mask's edge"
        >
          Tolerance
          <input
            type="range"
            min={0.5}
            max={10}
            step={0.5}
            value={tolerancePx}
            aria-label="Polygon tolerance"
            onChange={(e) => setTolerancePx(Number(e.target.value))}
          />
          <output>{tolerancePx} px</output>
        </label>
        <button title="Selected shapes → masks" onClick={() => void controller.convertSelection('mask', 0)}>
          → Mask
        </button>
        <button title="Merge the selected shapes into one" onClick={() => void controller.mergeSelection()}>
          Merge
        </button>
        <button
          title="Split the selected shapes into their separate parts"
          onClick={() => controller.splitSelection()}
        >
          Split
        </button>
      </span>
      <span className="group">
        <button onClick={props.onFit} title="Fit (F)">
          Fit
        </button>
        <button onClick={props.onOneToOne} title="1:1 (0)">
          1:1
        </button>
        <output className="zoom small" aria-label="Zoom">
          {props.zoomPercent}%
        </output>
      </span>
      <span className="group nav">
        <button onClick={props.onPrev} title="Previous image (A)" aria-label="Previous image">
          ◀
        </button>
        <span className="where small" aria-label="Current image" title={current?.fileName}>
          <span className="file-name">{current?.fileName ?? '—'}</span>{' '}
          <span className="muted">
            {props.position !== null && props.total !== null
              ? `${(props.position + 1).toLocaleString('en-US')} / ${props.total.toLocaleString('en-US')}`
              : ''}
          </span>
        </span>
        <button onClick={props.onNext} title="Next image (D)" aria-label="Next image">
          ▶
        </button>
        <button onClick={props.onNextUnlabelled} title="Next unlabelled image (N)">
          Next unlabelled
        </button>
        <select
          aria-label="Image status"
          value={current?.status ?? 'new'}
          onChange={(e) => setStatus(e.target.value as ImageStatus)}
        >
          {ImageStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <button onClick={props.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </span>
    </div>
  );
}
