import { useEffect, useState } from 'react';
import { type ModelSummary } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { ModelManager } from './ModelManager';

/** The starter bundle is always labelled for what it is: colour and texture, not semantics. */
export function modelDisplayName(m: Pick<ModelSummary, 'name' | 'isStarter'>): string {
  if (!m.isStarter || /not semantic/i.test(m.name)) return m.name;
  return `${m.name} (colour & texture, not semantic)`;
}

export function ModelPicker(): React.JSX.Element {
  const model = useAppStore((s) => s.model);
  const refreshModel = useAppStore((s) => s.refreshModel);
  const notify = useAppStore((s) => s.notify);
  const [models, setModels] = useState<readonly ModelSummary[]>([]);
  const [managerOpen, setManagerOpen] = useState(false);

  useEffect(() => {
    void api()
      .models.list({})
      .then((r) => r.ok && setModels(r.value));
  }, [model?.id, managerOpen]);

  return (
    <>
      <select
        aria-label="Model"
        value={model?.id ?? ''}
        onChange={(e) => {
          void api()
            .models.select({ modelId: e.target.value })
            .then(async (r) => {
              if (!r.ok) notify({ kind: 'error', text: r.error.message });
              await refreshModel();
            });
        }}
      >
        {models.length === 0 && <option value="">no models</option>}
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {modelDisplayName(m)}
          </option>
        ))}
      </select>
      <button onClick={() => setManagerOpen(true)}>Models…</button>
      {managerOpen && <ModelManager onClose={() => setManagerOpen(false)} />}
    </>
  );
}
