/**
 * The COCO RLE compressed-counts string (pycocotools rleToString / rleFrString): part of the contract's
 * CocoRle, so main (export, validation) and the renderer (drawing, brushing masks) share one codec.
 * Arithmetic rather than 32-bit bit operators, since counts and their deltas can exceed 2^31.
 */

const UINT32 = 2 ** 32;

/** pycocotools `rleToString`: 5 data bits per char, delta vs. the run two back from index 3 on. */
export function countsToString(counts: readonly number[]): string {
  const chars: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i] ?? 0;
    if (i > 2) x -= counts[i - 2] ?? 0;
    let more = true;
    while (more) {
      // Arithmetic (not 32-bit bitwise) so that counts up to 2^32-1 and their deltas stay exact.
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars.push(c + 48);
    }
  }
  return charCodesToString(chars);
}

/** pycocotools `rleFrString`. Throws on characters outside '0'..'o' or a truncated last value. */
export function countsFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let scale = 1;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error(`invalid RLE counts string: truncated value at position ${p}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) {
        throw new Error(`invalid RLE counts string: character ${JSON.stringify(s[p])} at position ${p}`);
      }
      x += (c & 0x1f) * scale;
      scale *= 32;
      more = (c & 0x20) !== 0;
      p++;
      if (!more && (c & 0x10) !== 0) x -= scale; // sign-extend
    }
    const m = counts.length;
    if (m > 2) x += counts[m - 2] ?? 0;
    counts.push(((x % UINT32) + UINT32) % UINT32); // C stores it as uint32
  }
  return counts;
}

function charCodesToString(codes: readonly number[]): string {
  let out = '';
  const chunk = 8192;
  for (let i = 0; i < codes.length; i += chunk) out += String.fromCharCode(...codes.slice(i, i + chunk));
  return out;
}

/**
 * Visits every foreground run of column-major counts as vertical segments: column x, rows y0 ≤ y < y1.
 * One walk for every decoder (full masks, cropped masks, run topology, the editor's bitmaps). Throws when
 * the runs go past heightPx × widthPx pixels.
 */
export function forEachColumnSegment(
  counts: readonly number[],
  heightPx: number,
  widthPx: number,
  visit: (x: number, y0: number, y1: number) => void,
): void {
  const total = heightPx * widthPx;
  let pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (pos + c > total) throw new Error(`invalid RLE: runs sum past ${heightPx}×${widthPx}=${total} pixels`);
    if (i % 2 === 1 && c > 0) {
      let x = Math.floor(pos / heightPx);
      let y = pos - x * heightPx;
      let left = c;
      while (left > 0) {
        const span = Math.min(left, heightPx - y);
        visit(x, y, y + span);
        left -= span;
        y = 0;
        x++;
      }
    }
    pos += c;
  }
}
