import { useEffect, useState } from 'react';
import { type InstallStatus } from '@contract';
import { api } from '../../bridge';

/**
 * Installs the service is running or has just finished, kept current from `model_install` events; a
 * manager opened mid-download picks the running ones up from `models.installs`.
 */
export function useModelInstalls(
  onFinished?: (s: InstallStatus) => void,
): ReadonlyMap<string, InstallStatus> {
  const [installs, setInstalls] = useState<ReadonlyMap<string, InstallStatus>>(new Map());
  useEffect(() => {
    let live = true;
    void api()
      .models.installs({})
      .then((r) => {
        if (!live || !r.ok) return;
        setInstalls((cur) => {
          const next = new Map(cur);
          for (const s of r.value) if (!next.has(s.installId) && !isFinished(s)) next.set(s.installId, s);
          return next;
        });
      });
    const stop = api().events.subscribe((e) => {
      if (e.kind !== 'model_install') return;
      setInstalls((cur) => new Map(cur).set(e.install.installId, e.install));
      if (isFinished(e.install)) onFinished?.(e.install);
    });
    return () => {
      live = false;
      stop();
    };
  }, [onFinished]);
  return installs;
}

export function isFinished(s: InstallStatus): boolean {
  return s.state === 'done' || s.state === 'failed' || s.state === 'cancelled';
}
