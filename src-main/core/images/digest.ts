import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Bytes kept from the end of a file, enough to find an end marker behind short trailing metadata. */
export const TAIL_BYTES = 64 * 1024;
const HEAD_BYTES = 64 * 1024;

export interface FileDigest {
  readonly sha256: string;
  readonly sizeBytes: number;
  /** The first bytes (up to 64 KiB): magic bytes, BMP header. */
  readonly head: Buffer;
  /** The last bytes (up to 64 KiB): end-of-image markers for truncation checks. */
  readonly tail: Buffer;
}

/** One streamed pass over the file: sha256 of the content plus its first and last bytes. */
export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  const headParts: Buffer[] = [];
  let headLen = 0;
  let tail: Buffer = Buffer.alloc(0);
  let size = 0;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (headLen < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headLen);
      headParts.push(part);
      headLen += part.length;
    }
    tail = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : keepLast(tail, chunk);
  }
  return { sha256: hash.digest('hex'), sizeBytes: size, head: Buffer.concat(headParts), tail: Buffer.from(tail) };
}

function keepLast(prev: Buffer, chunk: Buffer): Buffer {
  const joined = Buffer.concat([prev, chunk]);
  return joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
}

export async function sha256File(file: string): Promise<string> {
  return (await digestFile(file)).sha256;
}
