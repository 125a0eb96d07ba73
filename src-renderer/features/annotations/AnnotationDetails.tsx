import { useState } from 'react';
import {
  type AttributeKind,
  type AttributeSpec,
  type AttributeValue,
  type Label,
  type LabelId,
} from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import {
  addAnnotations,
  freeGroupId,
  makeAnnotation,
  setAttribute,
  setGroup,
  setIscrowd,
  type Annotation,
  type AnnotationDoc,
  type EditorStore,
} from '../../model';

/** One attribute's editor, typed by the label's declaration. */
function AttributeField({
  spec,
  value,
  onChange,
}: {
  readonly spec: AttributeSpec;
  readonly value: AttributeValue | undefined;
  readonly onChange: (v: AttributeValue) => void;
}): React.JSX.Element {
  const current = value ?? spec.default;
  switch (spec.kind) {
    case 'boolean':
      return (
        <label className="row small">
          <input type="checkbox" checked={current === true} onChange={(e) => onChange(e.target.checked)} />
          {spec.name}
        </label>
      );
    case 'one_of':
      return (
        <label className="row small">
          {spec.name}
          <select aria-label={spec.name} value={String(current)} onChange={(e) => onChange(e.target.value)}>
            {spec.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      );
    case 'number':
      return (
        <label className="row small">
          {spec.name}
          <input
            type="number"
            aria-label={spec.name}
            value={typeof current === 'number' ? current : ''}
            min={spec.min ?? undefined}
            max={spec.max ?? undefined}
            step={spec.step ?? 'any'}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (e.target.value !== '' && Number.isFinite(n)) onChange(n);
            }}
          />
        </label>
      );
    case 'text':
      return (
        <label className="row small">
          {spec.name}
          <input aria-label={spec.name} value={String(current)} onChange={(e) => onChange(e.target.value)} />
        </label>
      );
  }
}

function newSpec(kind: AttributeKind, name: string, options: string): AttributeSpec | null {
  switch (kind) {
    case 'text':
      return { kind, name, default: '' };
    case 'number':
      return { kind, name, default: 0, min: null, max: null, step: null };
    case 'boolean':
      return { kind, name, default: false };
    case 'one_of': {
      const list = options
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '');
      return list.length === 0 ? null : { kind, name, options: list, default: list[0]! };
    }
  }
}

/** Declares a new attribute on a label (text, number, true/false or one of a list). */
function AddAttribute({ label }: { readonly label: Label }): React.JSX.Element {
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const notify = useAppStore((s) => s.notify);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<AttributeKind>('text');
  const [options, setOptions] = useState('');
  const spec = name.trim() === '' ? null : newSpec(kind, name.trim(), options);
  const add = async (): Promise<void> => {
    if (spec === null) return;
    const r = await api().labels.update({ labelId: label.id, attributes: [...label.attributes, spec] });
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setName('');
    setOptions('');
    await refreshLabels();
  };
  return (
    <div className="row small" aria-label={`New attribute of ${label.name}`}>
      <input
        aria-label="Attribute name"
        placeholder="new attribute"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <select
        aria-label="Attribute type"
        value={kind}
        onChange={(e) => setKind(e.target.value as AttributeKind)}
      >
        <option value="text">text</option>
        <option value="number">number</option>
        <option value="boolean">true/false</option>
        <option value="one_of">one of</option>
      </select>
      {kind === 'one_of' && (
        <input
          aria-label="Options"
          placeholder="a, b, c"
          value={options}
          onChange={(e) => setOptions(e.target.value)}
        />
      )}
      <button disabled={spec === null} onClick={() => void add()}>
        Add to “{label.name}”
      </button>
    </div>
  );
}

/**
 * The selected annotation's attributes (typed by its label), crowd flag and group; with several
 * selected, group or ungroup them. Also the image's tags: add the active label as a tag.
 */
export function AnnotationDetails({
  store,
  doc,
  selected,
  labels,
  activeLabelId,
}: {
  readonly store: EditorStore;
  readonly doc: AnnotationDoc;
  readonly selected: readonly Annotation[];
  readonly labels: readonly Label[];
  readonly activeLabelId: LabelId | null;
}): React.JSX.Element {
  const ids = selected.map((a) => a.id);
  const one = selected.length === 1 ? selected[0] : undefined;
  const label = one ? labels.find((l) => l.id === one.labelId) : undefined;
  const declared = new Set(label?.attributes.map((s) => s.name) ?? []);
  const undeclared = one ? Object.entries(one.attributes).filter(([k]) => !declared.has(k)) : [];
  const activeLabel = labels.find((l) => l.id === activeLabelId);
  const tagged = [...doc.byId.values()].some((a) => a.geometry.kind === 'tag' && a.labelId === activeLabelId);
  return (
    <div className="annotation-details" aria-label="Annotation details">
      {activeLabel && (
        <button
          className="small"
          disabled={tagged}
          title="An image-level label (classification), exported as a CVAT tag or labelme flag"
          onClick={() =>
            store.run(
              addAnnotations([
                makeAnnotation(store.ids.next(), { labelId: activeLabel.id, geometry: { kind: 'tag' } }),
              ]),
            )
          }
        >
          Tag image “{activeLabel.name}”
        </button>
      )}
      {selected.length > 1 && (
        <div className="row small">
          <button onClick={() => store.run(setGroup(ids, freeGroupId(doc)))}>
            Group {selected.length} shapes
          </button>
          <button onClick={() => store.run(setGroup(ids, null))}>Ungroup</button>
        </div>
      )}
      {one && (
        <>
          <div className="row small">
            <label className="row">
              <input
                type="checkbox"
                checked={one.iscrowd}
                onChange={(e) => store.run(setIscrowd(ids, e.target.checked))}
              />
              crowd (iscrowd)
            </label>
            <span className="muted">{one.groupId === null ? 'no group' : `group ${one.groupId}`}</span>
            {one.groupId !== null && <button onClick={() => store.run(setGroup(ids, null))}>Ungroup</button>}
          </div>
          {label?.attributes.map((spec) => (
            <AttributeField
              key={spec.name}
              spec={spec}
              value={one.attributes[spec.name]}
              onChange={(v) => store.run(setAttribute(ids, spec.name, v))}
            />
          ))}
          {label && <AddAttribute label={label} />}
          {undeclared.map(([k, v]) => (
            <label key={k} className="row small" title="not declared on this label (kept from an import)">
              {k}
              <input
                aria-label={k}
                value={String(v)}
                onChange={(e) => store.run(setAttribute(ids, k, e.target.value))}
              />
              <button
                className="icon"
                aria-label={`Remove ${k}`}
                onClick={() => store.run(setAttribute(ids, k, undefined))}
              >
                ×
              </button>
            </label>
          ))}
        </>
      )}
    </div>
  );
}
