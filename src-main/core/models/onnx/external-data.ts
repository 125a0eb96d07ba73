import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Offsets of external tensors are multiples of this: onnxruntime maps aligned tensors straight from the
 * file instead of copying them (ONNX ExternalData.md; onnxruntime aligns its own saves to 4096).
 */
export const EXTERNAL_ALIGN_BYTES = 4096;
/** Tensors smaller than this stay inside the protobuf: padding them to 4 KiB would only waste space. */
export const INLINE_MAX_BYTES = 4096;

/**
 * Writes ONNX external data (`<model>.onnx.data`) tensor by tensor, hashing as it goes, so a converter
 * never holds more than the tensor it is writing. The TensorProtos it returns carry only the location,
 * offset and length; the graph protobuf stays small whatever the model's size (no 2 GB limit).
 */
export class ExternalDataWriter {
  readonly fileName: string;
  #fd: number | null;
  #offsetBytes = 0;
  readonly #hash: Hash = createHash('sha256');

  constructor(dir: string, fileName: string) {
    this.fileName = fileName;
    // 0644: bundles are read by the app and by whoever copies them; the data is not secret.
    this.#fd = openSync(path.join(dir, fileName), 'w', 0o644);
  }

  get sizeBytes(): number {
    return this.#offsetBytes;
  }

  /** A tensor of raw little-endian bytes: inline when small, else appended at an aligned offset. */
  tensor(
    name: string,
    dataType: number,
    dims: readonly number[],
    bytes: Uint8Array,
  ): onnxProto.onnx.ITensorProto & { name: string } {
    if (bytes.byteLength < INLINE_MAX_BYTES) {
      return { name, dims: [...dims], dataType, rawData: Uint8Array.from(bytes) };
    }
    const offset = this.#alignedStart();
    this.#write(bytes);
    return this.#reference(name, dataType, dims, offset, bytes.byteLength);
  }

  /**
   * A large tensor written in chunks (e.g. a 256k-row embedding table converted row block by row block):
   * `write` is called with successive byte chunks whose total must be `byteLength`.
   */
  streamedTensor(
    name: string,
    dataType: number,
    dims: readonly number[],
    byteLength: number,
    produce: (write: (chunk: Uint8Array) => void) => void,
  ): onnxProto.onnx.ITensorProto & { name: string } {
    const offset = this.#alignedStart();
    let written = 0;
    produce((chunk) => {
      this.#write(chunk);
      written += chunk.byteLength;
    });
    if (written !== byteLength) {
      throw new Error(`external data: tensor "${name}" wrote ${written} bytes, expected ${byteLength}`);
    }
    return this.#reference(name, dataType, dims, offset, byteLength);
  }

  /** The TensorProto that points into the data file (ONNX ExternalData.md keys). */
  #reference(
    name: string,
    dataType: number,
    dims: readonly number[],
    offset: number,
    length: number,
  ): onnxProto.onnx.ITensorProto & { name: string } {
    return {
      name,
      dims: [...dims],
      dataType,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: this.fileName },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ],
    };
  }

  /** Closes the file; returns its size and sha256 (of exactly the bytes written, padding included). */
  close(): { sizeBytes: number; sha256: string } {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    return { sizeBytes: this.#offsetBytes, sha256: this.#hash.digest('hex') };
  }

  /** Closes without a digest (error paths). */
  abort(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #alignedStart(): number {
    const pad = (EXTERNAL_ALIGN_BYTES - (this.#offsetBytes % EXTERNAL_ALIGN_BYTES)) % EXTERNAL_ALIGN_BYTES;
    if (pad > 0) this.#write(new Uint8Array(pad));
    return this.#offsetBytes;
  }

  #write(bytes: Uint8Array): void {
    if (this.#fd === null) throw new Error(`external data file ${this.fileName} is closed`);
    let done = 0;
    while (done < bytes.byteLength) {
      done += writeSync(this.#fd, bytes, done, bytes.byteLength - done, this.#offsetBytes + done);
    }
    this.#hash.update(bytes);
    this.#offsetBytes += bytes.byteLength;
  }
}
