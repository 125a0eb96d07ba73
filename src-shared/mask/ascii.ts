/**
 * Strings ⇄ ASCII bytes through the platform's native UTF-8 codec (TextEncoder / TextDecoder, in Node
 * and in every browser): for the counts strings, which are ASCII, one native call is 10–20× faster than
 * String.fromCharCode over char codes, and looping over bytes is about twice as fast as charCodeAt.
 * The shared code is compiled without the DOM library, so the two classes are typed here.
 */

interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
const platform = globalThis as unknown as {
  TextEncoder: new () => Utf8Encoder;
  TextDecoder: new () => Utf8Decoder;
};
const encoder = new platform.TextEncoder();
const decoder = new platform.TextDecoder();

let readBytes = new Uint8Array(4096);

/**
 * The chars of `s` as bytes in a module-owned buffer (valid until the next call), followed by two 0
 * bytes, which loops stop on instead of testing bounds (they may read one byte ahead); undefined when
 * `s` holds a non-ASCII char.
 */
export function asciiBytes(s: string): Uint8Array | undefined {
  const n = s.length;
  if (readBytes.length < n + 2) readBytes = new Uint8Array(Math.max(n + 2, 2 * readBytes.length));
  if (!asciiInto(s, readBytes)) return undefined;
  readBytes[n] = 0;
  readBytes[n + 1] = 0;
  return readBytes;
}

/** Writes the chars of `s` into `dest`; false (`dest` partly written) unless they are all ASCII. */
export function asciiInto(s: string, dest: Uint8Array): boolean {
  const { read, written } = encoder.encodeInto(s, dest);
  // All chars were written as one byte each only if the string is ASCII.
  return read === s.length && written === s.length;
}

let writeBytes = new Uint8Array(4096);

/** A module-owned buffer of at least `n` bytes to build a string in, for asciiString. */
export function byteScratch(n: number): Uint8Array {
  if (writeBytes.length < n) writeBytes = new Uint8Array(Math.max(n, 2 * writeBytes.length));
  return writeBytes;
}

/** The string of the ASCII bytes out[0 .. n). */
export function asciiString(out: Uint8Array, n: number): string {
  return decoder.decode(out.subarray(0, n));
}
