import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX TensorProto.DataType codes used here. */
export const DataType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 } as const;
export type ElemType = keyof typeof DataType;

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
};

function encodeAttr(name: string, a: AttrValue): onnxProto.onnx.IAttributeProto {
  switch (a.kind) {
    case 'int':
      return { name, type: onnx.AttributeProto.AttributeType.INT, i: a.value };
    case 'ints':
      return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: a.value };
    case 'floats':
      return { name, type: onnx.AttributeProto.AttributeType.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function valueInfo(
  name: string,
  elem: ElemType,
  dims: readonly (number | string)[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * A tiny deterministic ONNX graph builder (opset 17). Node output names are numbered in creation order, so
 * the same build steps always give the same bytes.
 */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly graphName: string) {}

  input(name: string, elem: ElemType, dims: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  output(name: string, elem: ElemType, dims: readonly (number | string)[]): void {
    this.outputs.push(valueInfo(name, elem, dims));
  }

  /** A name no other node output or initializer of this graph uses (for helpers that add constants). */
  uniqueName(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** A constant tensor (initializer). Returns its name. */
  init(name: string, data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const elem = data instanceof Float32Array ? DataType.float : DataType.int64;
    this.inits.push({ name, dims: [...dims], dataType: elem, rawData: Uint8Array.from(bytes) });
    return name;
  }

  /**
   * A prepared initializer (any data type, inline or in external data): converters that stream weights
   * into a `.data` file build the TensorProto themselves. Returns its name.
   */
  initTensor(tensor: onnxProto.onnx.ITensorProto & { name: string }): string {
    this.inits.push(tensor);
    return tensor.name;
  }

  floats(name: string, values: readonly number[], dims?: readonly number[]): string {
    return this.init(name, Float32Array.from(values), dims ?? [values.length]);
  }

  ints(name: string, values: readonly number[]): string {
    return this.init(name, BigInt64Array.from(values.map((v) => BigInt(v))), [values.length]);
  }

  /** Adds a node and returns its first output name (or `outName` when given). */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    outName?: string,
  ): string {
    const out = outName ?? `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({
      opType: op,
      input: [...inputs],
      output: [out],
      name: `n${this.nodes.length}_${op}`,
      attribute: Object.entries(attrs).map(([k, v]) => encodeAttr(k, v)),
    });
    return out;
  }

  /** A node with several named outputs (e.g. Split). */
  nodeMulti(
    op: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
  ): void {
    this.nodes.push({
      opType: op,
      input: [...inputs],
      output: [...outputs],
      name: `n${this.nodes.length}_${op}`,
      attribute: Object.entries(attrs).map(([k, v]) => encodeAttr(k, v)),
    });
  }

  toBytes(meta: { producer: string; doc: string; metadata?: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: meta.producer,
      producerVersion: '1',
      docString: meta.doc,
      opsetImport: [{ domain: '', version: 17 }],
      metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Uniform weights in [-scale, scale) from a seeded generator (generated bundles and test checkpoints). */
export function randomWeights(count: number, scale: number, rand: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}
