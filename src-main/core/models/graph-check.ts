import { BundleError, type BundleManifest, type GridOutputSpec } from './manifest';

/** What a loaded ONNX session says about its inputs/outputs (rank undefined when the graph leaves it open). */
export interface GraphValueInfo {
  readonly name: string;
  readonly type?: string;
  readonly rank?: number;
}
export interface GraphInfo {
  readonly inputs: readonly GraphValueInfo[];
  readonly outputs: readonly GraphValueInfo[];
}

function list(values: readonly GraphValueInfo[]): string {
  return values.map((v) => v.name).join(', ') || '(none)';
}

function requireValue(
  bundle: string,
  field: string,
  values: readonly GraphValueInfo[],
  name: string,
  what: 'input' | 'output',
  expect?: { rank?: number; type?: string },
): void {
  const v = values.find((x) => x.name === name);
  if (!v)
    throw new BundleError(
      bundle,
      field,
      `${what} "${name}" is not in the graph (graph ${what}s: ${list(values)})`,
    );
  if (expect?.rank !== undefined && v.rank !== undefined && v.rank !== expect.rank) {
    throw new BundleError(
      bundle,
      field,
      `${what} "${name}" has rank ${v.rank} in the graph, expected ${expect.rank}`,
    );
  }
  if (expect?.type !== undefined && v.type !== undefined && v.type !== expect.type) {
    throw new BundleError(
      bundle,
      field,
      `${what} "${name}" has type ${v.type} in the graph, expected ${expect.type}`,
    );
  }
}

function gridRank(spec: GridOutputSpec): number {
  switch (spec.layout) {
    case 'NLC':
      return 3;
    case 'NCHW':
      return 4;
  }
}

export function checkEncoderGraph(m: BundleManifest, g: GraphInfo): void {
  const e = m.encoder;
  requireValue(m.id, 'encoder.input.name', g.inputs, e.input.name, 'input', { rank: 4, type: 'float32' });
  requireValue(m.id, 'encoder.outputs.summary.name', g.outputs, e.outputs.summary.name, 'output', {
    rank: 2,
  });
  requireValue(m.id, 'encoder.outputs.features.name', g.outputs, e.outputs.features.name, 'output', {
    rank: gridRank(e.outputs.features),
  });
  const grids = [
    ['text_dense', e.outputs.text_dense],
    ['sam_features', e.outputs.sam_features],
  ] as const;
  for (const [key, spec] of grids) {
    if (spec) {
      requireValue(m.id, `encoder.outputs.${key}.name`, g.outputs, spec.name, 'output', {
        rank: gridRank(spec),
      });
    }
  }
  if (e.outputs.text_summary) {
    requireValue(
      m.id,
      'encoder.outputs.text_summary.name',
      g.outputs,
      e.outputs.text_summary.name,
      'output',
      {
        rank: 2,
      },
    );
  }
}

export function checkTextGraph(m: BundleManifest, g: GraphInfo): void {
  const t = m.text;
  if (!t) return;
  requireValue(m.id, 'text.input_ids', g.inputs, t.input_ids, 'input', { rank: 2, type: 'int64' });
  if (t.attention_mask) {
    requireValue(m.id, 'text.attention_mask', g.inputs, t.attention_mask, 'input', {
      rank: 2,
      type: 'int64',
    });
  }
  requireValue(m.id, 'text.output', g.outputs, t.output, 'output', { rank: 2 });
}

export function checkMaskDecoderGraph(m: BundleManifest, g: GraphInfo): void {
  const d = m.mask_decoder;
  if (!d) return;
  for (const [key, name] of Object.entries(d.inputs)) {
    if (name !== undefined) requireValue(m.id, `mask_decoder.inputs.${key}`, g.inputs, name, 'input');
  }
  for (const [key, name] of Object.entries(d.outputs)) {
    if (name !== undefined) requireValue(m.id, `mask_decoder.outputs.${key}`, g.outputs, name, 'output');
  }
}

/** The SAM neck graph: [1, h, w, C] float features in, the decoder's image embedding [1, C', S, S] out. */
export function checkMaskDecoderNeckGraph(m: BundleManifest, g: GraphInfo): void {
  const neck = m.mask_decoder?.neck;
  if (!neck) return;
  requireValue(m.id, 'mask_decoder.neck.input', g.inputs, neck.input, 'input', { rank: 4, type: 'float32' });
  requireValue(m.id, 'mask_decoder.neck.output', g.outputs, neck.output, 'output', { rank: 4 });
}
