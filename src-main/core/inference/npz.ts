import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/**
 * NumPy's `.npz` (what `np.savez` writes): a zip archive with one `<name>.npy` entry per array, each in
 * the `.npy` format version 1.0 — magic `\x93NUMPY`, version 1.0, a little-endian uint16 header length,
 * an ASCII Python-dict header padded with spaces to a multiple of 64 bytes and ended by a newline, then
 * the raw C-order data (numpy/lib/format.py). Float32 only: that is what encoders return.
 */

export interface NpyArray {
  /** Entry name without `.npy`; `np.load(file)[name]` reads it back. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
const ALIGN_BYTES = 64;
const ENTRY_NAME = /^[A-Za-z_][\w.-]{0,127}$/;

function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** One `.npy` file (format 1.0, `<f4`, C order). */
export function npyBytes(a: NpyArray): Buffer {
  const count = a.shape.reduce((n, d) => n * d, 1);
  if (!a.shape.every((d) => Number.isInteger(d) && d >= 0) || count !== a.data.length) {
    throw new Error(`array "${a.name}": shape [${a.shape.join(', ')}] does not hold ${a.data.length} values`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${pythonTuple(a.shape)}, }`;
  const unpadded = MAGIC.length + 2 + dict.length + 1;
  const headerLen = dict.length + 1 + ((ALIGN_BYTES - (unpadded % ALIGN_BYTES)) % ALIGN_BYTES);
  const head = Buffer.alloc(MAGIC.length + 2 + headerLen, 0x20);
  MAGIC.copy(head, 0);
  head.writeUInt16LE(headerLen, MAGIC.length);
  head.write(dict, MAGIC.length + 2, 'latin1');
  head[head.length - 1] = 0x0a;
  const body = Buffer.alloc(a.data.length * 4);
  if (endianness() === 'LE') {
    Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).copy(body);
  } else {
    a.data.forEach((v, i) => body.writeFloatLE(v, i * 4));
  }
  return Buffer.concat([head, body]);
}

/**
 * Writes the arrays as an `.npz` file: into a temporary file beside it, then one rename, so that a reader
 * never sees half a file and a failure leaves nothing behind. Entries are stored (as `np.savez` does).
 */
export async function writeNpz(file: string, arrays: readonly NpyArray[]): Promise<void> {
  const seen = new Set<string>();
  for (const a of arrays) {
    if (!ENTRY_NAME.test(a.name) || seen.has(a.name))
      throw new Error(`"${a.name}" is not a usable (or unique) array name for ${file}`);
    seen.add(a.name);
  }
  const zip = new ZipFile();
  for (const a of arrays) zip.addBuffer(npyBytes(a), `${a.name}.npy`, { compress: false });
  zip.end();
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await pipeline(zip.outputStream, createWriteStream(tmp, { mode: 0o644 }));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
