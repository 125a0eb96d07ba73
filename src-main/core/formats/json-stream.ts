import fs from 'node:fs/promises';

/**
 * Reading JSON files of any size (a COCO file can hold gigabytes) with bounded memory and at the speed
 * of V8's own JSON.parse. A byte scanner that follows only strings and nesting finds where the values of
 * one container (the top-level object, or a big array) are separated; the bytes between separators are
 * then handed to JSON.parse a few megabytes at a time. A pure-JS tokeniser (what streaming JSON
 * libraries are) spends five times longer per byte than the native parser, which made reading the file
 * the slowest part of a COCO import.
 */

/** Bytes read per step: values are handed out after each chunk, so memory stays near a few chunks. */
const DEFAULT_CHUNK_BYTES = 4 << 20;
/** A top-level key must fit in this window (keys are names like "annotations"). */
const KEY_WINDOW_BYTES = 64 << 10;

/** Where the value of one top-level member lies in the file: bytes [start, end). */
export interface MemberRange {
  readonly start: number;
  /** Just before the separator that follows the value (trailing whitespace included). */
  readonly end: number;
  /** First byte of the value: `[` array, `{` object, `"` string, … */
  readonly first: number;
}

export interface StreamOptions {
  /** Read size; tests use tiny chunks to put every boundary across a read. */
  readonly chunkBytes?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Follows strings and nesting inside one container across chunk boundaries (UTF-8 multi-byte sequences
 * never contain the ASCII bytes it looks for) and reports its separators: a comma at the container's own
 * level, or the bracket that closes it. Syntax is left to JSON.parse.
 */
class SeparatorScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Set once the container's closing bracket was reported. */
  closed = false;

  /** Index of the first separator in buf[from, to), or -1 when there is none there. */
  next(buf: Uint8Array, from: number, to: number): number {
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let found = -1;
    for (let i = from; i < to; i++) {
      const b = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (depth === 0) {
          this.closed = true;
          found = i;
          break;
        }
        depth--;
      } else if (b === COMMA && depth === 0) {
        found = i;
        break;
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    return found;
  }
}

/**
 * Finds the byte range of each member of the top-level JSON object with one pass of the separator
 * scanner over the file; each member's key is then read from the few bytes after its separator. The
 * values are parsed later, in the order the reader needs them (COCO categories and images before
 * annotations, wherever they are in the file).
 */
export async function scanTopLevelMembers(
  file: string,
  display: string,
  options: StreamOptions = {},
): Promise<Map<string, MemberRange>> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    const open = await firstNonSpace(fh, buf);
    if (open === undefined) throw new Error(`${display}: the file is empty`);
    if (open.byte !== OPEN_BRACE)
      throw new Error(`${display}: expected a JSON object with images, annotations and categories`);
    // Separator offsets: the opening brace, each member's comma, the closing brace.
    const separators = [open.at];
    const scanner = new SeparatorScanner();
    let pos = open.at + 1;
    while (!scanner.closed) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, pos);
      if (bytesRead === 0)
        throw new Error(`${display}: invalid JSON: the file ends before the top-level object is closed`);
      for (let i = scanner.next(buf, 0, bytesRead); i >= 0; i = scanner.next(buf, i + 1, bytesRead)) {
        separators.push(pos + i);
        if (scanner.closed) break;
      }
      pos += bytesRead;
    }
    const members = new Map<string, MemberRange>();
    for (let m = 0; m + 1 < separators.length; m++) {
      const member = await readMemberHead(fh, separators[m]! + 1, separators[m + 1]!, display);
      if (member !== null) members.set(member.key, member.range);
      else if (separators.length > 2)
        throw new Error(`${display}: invalid JSON: an empty member before byte ${separators[m + 1]!}`);
    }
    return members;
  } finally {
    await fh.close();
  }
}

/** The first byte of the JSON text, after white space and a UTF-8 byte-order mark (Windows tools write one). */
async function firstNonSpace(
  fh: fs.FileHandle,
  buf: Buffer,
): Promise<{ at: number; byte: number } | undefined> {
  const bom = Buffer.alloc(3);
  const { bytesRead: head } = await fh.read(bom, 0, 3, 0);
  const start = head === 3 && bom[0] === 0xef && bom[1] === 0xbb && bom[2] === 0xbf ? 3 : 0;
  for (let pos = start; ;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return undefined;
    for (let i = 0; i < bytesRead; i++) if (!isSpace(buf[i]!)) return { at: pos + i, byte: buf[i]! };
    pos += bytesRead;
  }
}

/** `"key" : value` between two separators → the key and where its value lies; null for `{}`. */
async function readMemberHead(
  fh: fs.FileHandle,
  start: number,
  end: number,
  display: string,
): Promise<{ key: string; range: MemberRange } | null> {
  const head = Buffer.allocUnsafe(Math.min(KEY_WINDOW_BYTES, end - start));
  const { bytesRead } = await fh.read(head, 0, head.length, start);
  let i = 0;
  while (i < bytesRead && isSpace(head[i]!)) i++;
  if (i === bytesRead && bytesRead === end - start) return null;
  const bad = (why: string): Error => new Error(`${display}: invalid JSON: ${why} at byte ${start + i}`);
  if (head[i] !== QUOTE) throw bad('expected a quoted key');
  const keyStart = i;
  let escaped = false;
  for (i++; i < bytesRead; i++) {
    const b = head[i]!;
    if (escaped) escaped = false;
    else if (b === BACKSLASH) escaped = true;
    else if (b === QUOTE) break;
  }
  if (i >= bytesRead) throw bad(`a top-level key longer than ${KEY_WINDOW_BYTES} bytes`);
  let key: string;
  try {
    key = JSON.parse(head.toString('utf8', keyStart, i + 1)) as string;
  } catch {
    throw bad('an invalid top-level key');
  }
  for (i++; i < bytesRead && isSpace(head[i]!); i++);
  if (head[i] !== COLON) throw bad(`expected ":" after the key "${key}"`);
  for (i++; i < bytesRead && isSpace(head[i]!); i++);
  if (i >= bytesRead) throw bad(`the key "${key}" has no value`);
  return { key, range: { start: start + i, end, first: head[i]! } };
}

/**
 * The elements of the JSON array at `range`, parsed a chunk at a time: each batch of complete elements
 * becomes one JSON.parse call, so memory holds about one chunk of text and its values, whatever the
 * array's size. An element larger than a chunk is read whole.
 */
export async function* streamArrayElements(
  file: string,
  range: MemberRange,
  display: string,
  options: StreamOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  if (range.first !== OPEN_BRACKET) throw new Error(`${display}: expected a list at byte ${range.start}`);
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const fh = await fs.open(file, 'r');
  try {
    // buf[0] is always the separator before the pending elements ("[" or a comma); buf[filled] is free.
    let buf = Buffer.allocUnsafe(2 * chunkBytes);
    let filled = 0;
    let scanned = 1;
    let pos = range.start;
    const scanner = new SeparatorScanner();
    while (!scanner.closed) {
      if (buf.length - filled < chunkBytes) {
        // One element longer than the free space: keep it whole.
        const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, filled + chunkBytes));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const want = Math.min(chunkBytes, range.end - pos);
      const { bytesRead } = want > 0 ? await fh.read(buf, filled, want, pos) : { bytesRead: 0 };
      if (bytesRead === 0)
        throw new Error(`${display}: invalid JSON: the list at byte ${range.start} is not closed`);
      pos += bytesRead;
      filled += bytesRead;
      let last = -1;
      for (let i = scanner.next(buf, scanned, filled); i >= 0; i = scanner.next(buf, i + 1, filled)) {
        last = i;
        if (scanner.closed) break;
      }
      scanned = filled;
      if (last < 0) continue;
      yield* parseBatch(buf, last, display, pos - filled);
      if (scanner.closed) break;
      // The separator at `last` becomes buf[0] of the next batch.
      buf.copy(buf, 0, last, filled);
      filled -= last;
      scanned = filled;
    }
  } finally {
    await fh.close();
  }
}

/** buf[0..last] holds separator, elements, separator: parse them as one array. */
function parseBatch(buf: Buffer, last: number, display: string, bufOffset: number): unknown[] {
  buf[0] = OPEN_BRACKET;
  buf[last] = CLOSE_BRACKET;
  try {
    return JSON.parse(buf.toString('utf8', 0, last + 1)) as unknown[];
  } catch (e) {
    throw new Error(
      `${display}: invalid JSON: ${(e as Error).message} (in the list's elements between bytes ${bufOffset} and ${bufOffset + last})`,
    );
  }
}

/** Parses one small member value whole (categories, info). */
export async function readMember(file: string, range: MemberRange, display: string): Promise<unknown> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(range.end - range.start);
    await fh.read(buf, 0, buf.length, range.start);
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (e) {
    throw new Error(`${display}: invalid JSON: ${(e as Error).message}`);
  } finally {
    await fh.close();
  }
}
