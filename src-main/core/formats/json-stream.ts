import fs from 'node:fs/promises';
import { JSONParser } from '@streamparser/json';

/** Bytes read per step: values are handed out after each chunk, so memory stays near this size. */
const CHUNK_BYTES = 1 << 20;

/** Where the value of one top-level member lies in the file: bytes [start, end). */
export interface MemberRange {
  readonly start: number;
  readonly end: number;
  /** First byte of the value: `[` array, `{` object, `"` string, … */
  readonly first: number;
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
 * Finds the byte range of each member of the top-level JSON object, reading the file once with a
 * byte scanner that tracks only strings and nesting depth (UTF-8 multi-byte sequences never contain the
 * ASCII bytes it looks for). The values themselves are parsed later by the streaming parser, in the
 * order the reader needs them (COCO categories and images before annotations, wherever they are in
 * the file), without tokenising the file twice. Syntax is checked by the parser, not here.
 */
export async function scanTopLevelMembers(file: string, display: string): Promise<Map<string, MemberRange>> {
  const fh = await fs.open(file, 'r');
  const members = new Map<string, MemberRange>();
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let depth = 0;
    let inString = false;
    let escaped = false;
    let started = false;
    // Top-level key being read, the key whose value we are in, and where that value started.
    let keyBytes: number[] | null = null;
    let pendingKey: string | null = null;
    let valueKey: string | null = null;
    let valueStart = -1;
    let valueFirst = 0;
    let lastNonSpace = -1;
    let pos = 0;
    const closeValue = (end: number): void => {
      if (valueKey !== null && valueStart >= 0)
        members.set(valueKey, { start: valueStart, end, first: valueFirst });
      valueKey = null;
      valueStart = -1;
    };
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, pos);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        const at = pos + i;
        if (inString) {
          if (keyBytes !== null && depth === 1 && valueKey === null) keyBytes.push(b);
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) {
            inString = false;
            if (keyBytes !== null && valueKey === null && depth === 1) {
              keyBytes.pop();
              pendingKey = decodeKey(keyBytes, display);
              keyBytes = null;
            }
            lastNonSpace = at;
          }
          continue;
        }
        if (isSpace(b)) continue;
        if (!started) {
          if (b !== OPEN_BRACE)
            throw new Error(`${display}: expected a JSON object with images, annotations and categories`);
          started = true;
          depth = 1;
          lastNonSpace = at;
          continue;
        }
        if (depth === 1 && valueKey !== null && valueStart < 0) {
          valueStart = at;
          valueFirst = b;
        }
        switch (b) {
          case QUOTE:
            inString = true;
            if (depth === 1 && valueKey === null) keyBytes = [];
            break;
          case COLON:
            if (depth === 1 && valueKey === null && pendingKey !== null) {
              valueKey = pendingKey;
              pendingKey = null;
            }
            break;
          case COMMA:
            if (depth === 1) closeValue(lastNonSpace + 1);
            break;
          case OPEN_BRACE:
          case OPEN_BRACKET:
            depth++;
            break;
          case CLOSE_BRACE:
          case CLOSE_BRACKET:
            depth--;
            if (depth === 0) {
              closeValue(lastNonSpace + 1);
              return members;
            }
            break;
        }
        lastNonSpace = at;
      }
      pos += bytesRead;
    }
    if (!started) throw new Error(`${display}: the file is empty`);
    throw new Error(`${display}: invalid JSON: the file ends before the top-level object is closed`);
  } finally {
    await fh.close();
  }
}

function decodeKey(bytes: readonly number[], display: string): string {
  const raw = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new Error(`${display}: invalid top-level key "${raw}"`);
  }
}

/**
 * Parses the elements of the JSON array at `range` one by one with a streaming parser, handing out the
 * values of each chunk as it is read: memory holds one chunk of values, whatever the array's size.
 */
export async function* streamArrayElements(
  file: string,
  range: MemberRange,
  display: string,
): AsyncGenerator<unknown, void, undefined> {
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  let ready: unknown[] = [];
  let failure: Error | null = null;
  parser.onValue = ({ value }) => {
    ready.push(value);
  };
  parser.onError = (e) => {
    failure = e;
  };
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let pos = range.start;
    while (pos < range.end) {
      const want = Math.min(CHUNK_BYTES, range.end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      parser.write(buf.subarray(0, bytesRead));
      pos += bytesRead;
      if (failure !== null) throw syntaxError(display, failure);
      if (ready.length > 0) {
        const out = ready;
        ready = [];
        yield* out;
      }
    }
    if (!parser.isEnded) parser.end();
    if (failure !== null) throw syntaxError(display, failure);
    yield* ready;
  } finally {
    await fh.close();
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
    throw syntaxError(display, e as Error);
  } finally {
    await fh.close();
  }
}

function syntaxError(display: string, e: Error): Error {
  return new Error(`${display}: invalid JSON: ${e.message}`);
}
