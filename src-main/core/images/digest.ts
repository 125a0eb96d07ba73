import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes kept from the end of a file, enough to find an end marker behind short trailing metadata. */
export const TAIL_BYTES = 64 * 1024;
const HEAD_BYTES = 64 * 1024;
/** Files up to this size are read in one call (no stream set-up): most images being imported. */
const WHOLE_READ_BYTES = 2 * 1024 * 1024;

export interface FileDigest {
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Whole milliseconds, as the project stores it. */
  readonly mtimeMs: number;
  /** The first bytes (up to 64 KiB): magic bytes, BMP header. */
  readonly head: Buffer;
  /** The last bytes (up to 64 KiB): end-of-image markers for truncation checks. */
  readonly tail: Buffer;
  /** The whole content, when the file was small enough to read at once (lets the probe skip a reopen). */
  readonly whole?: Buffer;
}

/**
 * One pass over the file (streamed when large): sha256 of the content plus its first and last bytes.
 * `wanted(head)` may refuse a large file from its first bytes, so that a multi-GB non-image is never
 * hashed: the result then has an empty sha256.
 */
export async function digestFile(file: string, wanted?: (head: Buffer) => boolean): Promise<FileDigest> {
  const handle = await open(file, 'r');
  try {
    return await digestHandle(handle, wanted);
  } finally {
    await handle.close();
  }
}

/** digestFile on a file already open (the caller closes it): the bytes hashed are the ones it holds. */
export async function digestHandle(
  handle: FileHandle,
  wanted?: (head: Buffer) => boolean,
): Promise<FileDigest> {
  const stat = await handle.stat();
  const size = stat.size;
  const mtimeMs = Math.floor(stat.mtimeMs);
  if (size > WHOLE_READ_BYTES && wanted) {
    const probe = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
    const head = probe.subarray(0, bytesRead);
    if (!wanted(head)) return { sha256: '', sizeBytes: size, mtimeMs, head, tail: Buffer.alloc(0) };
  }
  if (size <= WHOLE_READ_BYTES) {
    const whole = await readWhole(handle, size);
    return {
      sha256: createHash('sha256').update(whole).digest('hex'),
      sizeBytes: whole.length,
      mtimeMs,
      head: whole.subarray(0, HEAD_BYTES),
      tail: whole.subarray(Math.max(0, whole.length - TAIL_BYTES)),
      whole,
    };
  }
  return {
    ...(await digestStream(
      handle.createReadStream({ start: 0, highWaterMark: 256 * 1024, autoClose: false }),
    )),
    mtimeMs,
  };
}

/** From byte 0 whatever the handle's position (FileHandle.readFile reads from the current position). */
export async function readWhole(handle: FileHandle, size: number): Promise<Buffer> {
  const buf = Buffer.alloc(size);
  let at = 0;
  while (at < size) {
    const { bytesRead } = await handle.read(buf, at, size - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return buf.subarray(0, at);
}

async function digestStream(stream: AsyncIterable<Buffer>): Promise<Omit<FileDigest, 'mtimeMs'>> {
  const hash = createHash('sha256');
  const headParts: Buffer[] = [];
  let headLen = 0;
  let tail: Buffer = Buffer.alloc(0);
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
    if (headLen < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headLen);
      headParts.push(part);
      headLen += part.length;
    }
    tail = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : keepLast(tail, chunk);
  }
  return {
    sha256: hash.digest('hex'),
    sizeBytes: size,
    head: Buffer.concat(headParts),
    tail: Buffer.from(tail),
  };
}

function keepLast(prev: Buffer, chunk: Buffer): Buffer {
  const joined = Buffer.concat([prev, chunk]);
  return joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
}

export async function sha256File(file: string): Promise<string> {
  return (await digestFile(file)).sha256;
}
