import { type ReactNode, useState } from 'react';
import { getBackend } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { plural } from '../common/plural';
import { uploadFiles } from './upload-files';

/**
 * Files dropped anywhere on the workspace are uploaded into the project (browser mode). The desktop app
 * imports through its native dialogs instead (a sandboxed page cannot see dropped files' paths).
 */
export function DropZone({
  className,
  children,
}: {
  readonly className: string;
  readonly children: ReactNode;
}): React.JSX.Element {
  const notify = useAppStore((s) => s.notify);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const [over, setOver] = useState(false);
  const hasFiles = (e: React.DragEvent): boolean => e.dataTransfer.types.includes('Files');
  const onDrop = async (e: React.DragEvent): Promise<void> => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    setOver(false);
    if (getBackend().mode !== 'browser') {
      return notify({ kind: 'info', text: 'In the desktop app, add images with Import images… → Add files' });
    }
    const files = [...e.dataTransfer.files];
    const summary = await uploadFiles(files, (done, total) =>
      notify({ kind: 'info', text: `Uploading ${done + 1 > total ? total : done + 1} / ${total}…` }),
    );
    invalidateImages();
    const problems = [...summary.failed, ...summary.skipped];
    notify({
      kind: problems.length > 0 ? 'error' : 'info',
      text:
        `${plural(summary.added, 'image')} added` +
        (summary.duplicates > 0 ? `, ${plural(summary.duplicates, 'duplicate')}` : '') +
        (problems.length > 0 ? `; ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}` : ''),
    });
  };
  return (
    <div
      className={`${className}${over ? ' drop-target' : ''}`}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setOver(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      {children}
    </div>
  );
}
