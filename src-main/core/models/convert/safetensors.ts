import { closeSync, openSync, readSync, fstatSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { fromHalf } from '../../inference/half';

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. Checkpoints are read tensor by
 * tensor from the file descriptor so that a converter never holds the whole file (nor two copies of the
 * weights) in memory.
 */

export const SAFETENSORS_DTYPES = [
  'F32',
  'F16',
  'BF16',
  'F64',
  'I64',
  'I32',
  'I16',
  'I8',
  'U8',
  'BOOL',
] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** A header larger than this is not a checkpoint we should trust (the format's own limit is 100 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const tensorEntrySchema = z.object({
  dtype: z.enum(SAFETENSORS_DTYPES),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute byte offset of the tensor's data in the file. */
  readonly offsetBytes: number;
  readonly byteLength: number;
}

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** An open safetensors file: the header is parsed once; tensors are read on demand. */
export class SafetensorsFile {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  #fd: number | null;

  private constructor(
    readonly file: string,
    fd: number,
    tensors: Map<string, TensorInfo>,
    metadata: Record<string, string>,
  ) {
    this.#fd = fd;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  static open(file: string): SafetensorsFile {
    const fd = openSync(file, 'r');
    try {
      const sizeBytes = fstatSync(fd).size;
      const lenBuf = Buffer.alloc(8);
      if (readSync(fd, lenBuf, 0, 8, 0) !== 8)
        throw new SafetensorsError(file, 'file is shorter than 8 bytes');
      const headerBytes = Number(lenBuf.readBigUInt64LE(0));
      if (headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > sizeBytes) {
        throw new SafetensorsError(
          file,
          `header length ${headerBytes} does not fit the file (${sizeBytes} bytes)`,
        );
      }
      const headerBuf = Buffer.alloc(headerBytes);
      readSync(fd, headerBuf, 0, headerBytes, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBuf.toString('utf8'));
      } catch (e) {
        throw new SafetensorsError(file, `header is not JSON (${(e as Error).message})`);
      }
      if (typeof header !== 'object' || header === null || Array.isArray(header)) {
        throw new SafetensorsError(file, 'header is not a JSON object');
      }
      const dataStart = 8 + headerBytes;
      const tensors = new Map<string, TensorInfo>();
      let metadata: Record<string, string> = {};
      for (const [name, raw] of Object.entries(header)) {
        if (name === '__metadata__') {
          metadata = z.record(z.string(), z.string()).parse(raw);
          continue;
        }
        const parsed = tensorEntrySchema.safeParse(raw);
        if (!parsed.success)
          throw new SafetensorsError(file, `tensor "${name}": ${parsed.error.issues[0]?.message}`);
        const {
          dtype,
          shape,
          data_offsets: [begin, end],
        } = parsed.data;
        const expected = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
        if (end - begin !== expected || dataStart + end > sizeBytes) {
          throw new SafetensorsError(
            file,
            `tensor "${name}": byte range [${begin}, ${end}) does not hold ${dtype}[${shape.join(', ')}] inside the file`,
          );
        }
        tensors.set(name, { name, dtype, shape, offsetBytes: dataStart + begin, byteLength: end - begin });
      }
      return new SafetensorsFile(file, fd, tensors, metadata);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  get(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new SafetensorsError(this.file, `no tensor named "${name}"`);
    return t;
  }

  /** The tensor's raw little-endian bytes (a fresh buffer of exactly its size). */
  readRaw(name: string): Uint8Array {
    const t = this.get(name);
    return this.#readBytes(name, t.offsetBytes, t.byteLength);
  }

  /** The tensor as float32, whatever its stored float dtype (F32, F16, BF16, F64). */
  readFloat32(name: string): Float32Array {
    const t = this.get(name);
    return this.#decode(t, this.readRaw(name));
  }

  /**
   * Elements [start, start + count) of the tensor (row-major) as float32: big tensors (a 256k-row token
   * table) are converted block by block instead of being read whole.
   */
  readFloat32Range(name: string, start: number, count: number): Float32Array {
    const t = this.get(name);
    const bytesPer = BYTES_PER_ELEMENT[t.dtype];
    const total = t.byteLength / bytesPer;
    if (!(start >= 0 && count >= 0 && start + count <= total)) {
      throw new SafetensorsError(
        this.file,
        `tensor "${name}": range [${start}, ${start + count}) is outside its ${total} elements`,
      );
    }
    return this.#decode(t, this.#readBytes(name, t.offsetBytes + start * bytesPer, count * bytesPer));
  }

  /** Integer tensors (e.g. RADIO's `summary_idxs` buffer) as plain numbers. */
  readIntegers(name: string): number[] {
    const t = this.get(name);
    const raw = this.readRaw(name);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const n = raw.byteLength / BYTES_PER_ELEMENT[t.dtype];
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      switch (t.dtype) {
        case 'I64':
          out.push(Number(view.getBigInt64(i * 8, true)));
          break;
        case 'I32':
          out.push(view.getInt32(i * 4, true));
          break;
        case 'I16':
          out.push(view.getInt16(i * 2, true));
          break;
        case 'I8':
          out.push(view.getInt8(i));
          break;
        case 'U8':
        case 'BOOL':
          out.push(view.getUint8(i));
          break;
        case 'F32':
        case 'F16':
        case 'BF16':
        case 'F64':
          throw new SafetensorsError(this.file, `tensor "${name}" is ${t.dtype}, not an integer tensor`);
      }
    }
    return out;
  }

  #readBytes(name: string, offsetBytes: number, byteLength: number): Uint8Array {
    const out = new Uint8Array(byteLength);
    let done = 0;
    while (done < byteLength) {
      const n = readSync(this.#requireFd(), out, done, byteLength - done, offsetBytes + done);
      if (n === 0) throw new SafetensorsError(this.file, `tensor "${name}" is truncated`);
      done += n;
    }
    return out;
  }

  #decode(t: TensorInfo, raw: Uint8Array): Float32Array {
    switch (t.dtype) {
      case 'F32':
        return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      case 'F16':
        return fromHalf(new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2));
      case 'BF16': {
        // bfloat16 is the top half of a float32: shift it back into place.
        const src = new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
        const bits = new Uint32Array(src.length);
        for (let i = 0; i < src.length; i++) bits[i] = (src[i] ?? 0) << 16;
        return new Float32Array(bits.buffer);
      }
      case 'F64':
        return Float32Array.from(new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8));
      case 'I64':
      case 'I32':
      case 'I16':
      case 'I8':
      case 'U8':
      case 'BOOL':
        throw new SafetensorsError(this.file, `tensor "${t.name}" is ${t.dtype}, not a float tensor`);
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #requireFd(): number {
    if (this.#fd === null) throw new SafetensorsError(this.file, 'file is closed');
    return this.#fd;
  }
}

type TensorData = Float32Array | Uint16Array | BigInt64Array;

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: 'F32' | 'F16' | 'BF16' | 'I64';
  readonly shape: readonly number[];
  /** F32: Float32Array; F16/BF16: the 16-bit patterns; I64: BigInt64Array. */
  readonly data: TensorData;
}

/** A tensor generated only when it is written, so a ViT-B-sized checkpoint never sits in memory whole. */
export interface LazyTensorToWrite extends Omit<TensorToWrite, 'data'> {
  readonly produce: () => TensorData;
}

/**
 * Writes a safetensors file (tensors in the given order, 8-byte aligned header as the reference
 * implementation pads it). Used to generate checkpoints in the official layout for tests and benchmarks.
 */
export function writeSafetensors(
  file: string,
  tensors: readonly (TensorToWrite | LazyTensorToWrite)[],
  metadata: Record<string, string> = { format: 'pt' },
): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const byteLength = t.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBuf = Buffer.from(json, 'utf8');
  const lenBuf = Buffer.alloc(8);
  lenBuf.writeBigUInt64LE(BigInt(headerBuf.length));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, lenBuf);
    writeSync(fd, headerBuf);
    for (const t of tensors) {
      const data = 'produce' in t ? t.produce() : t.data;
      const expected = t.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[t.dtype];
      if (data.byteLength !== expected) {
        throw new Error(
          `writeSafetensors: tensor "${t.name}" has ${data.byteLength} bytes for ${t.dtype}[${t.shape.join(', ')}]`,
        );
      }
      writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  } finally {
    closeSync(fd);
  }
}
