import { CliUsageError } from './command';

/*
 * The command line's own notations, turned into contract values. Only the syntax is checked here;
 * ranges and required fields are the contract schemas' job.
 */

/** "x,y" or "x,y,+" / "x,y,-" (positive by default). */
export function parseClick(s: string): { x: number; y: number; positive: boolean } {
  const m = /^\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*(?:,\s*([+-]))?\s*$/.exec(s);
  if (!m) throw new CliUsageError(`--click must be x,y or x,y,+ or x,y,- (got "${s}")`);
  const x = Number(m[1]);
  const y = Number(m[2]);
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new CliUsageError(`--click has a bad number: "${s}"`);
  return { x, y, positive: m[3] !== '-' };
}

/** "x,y,w,h" in image pixels. */
export function parseBox(s: string): [number, number, number, number] {
  const parts = s.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) {
    throw new CliUsageError(`--box must be x,y,w,h (four numbers), got "${s}"`);
  }
  return parts as [number, number, number, number];
}

/** `train=0.8,val=0.2`. */
export function parseSplit(text: string): { train: number; val: number } {
  const parts: Record<string, number> = {};
  for (const piece of text.split(',')) {
    const [key, value, ...rest] = piece.split('=');
    const k = key?.trim() ?? '';
    const v = Number(value);
    if (rest.length > 0 || (k !== 'train' && k !== 'val') || value === undefined || !Number.isFinite(v)) {
      throw new CliUsageError(`--split: expected "train=<fraction>,val=<fraction>", got "${text}"`);
    }
    parts[k] = v;
  }
  return { train: parts.train ?? 0, val: parts.val ?? 0 };
}

/** `<label>=<text>` (one --prompt). */
export function parseLabelPrompt(p: string): { label: string; text: string } {
  const eq = p.indexOf('=');
  const label = eq > 0 ? p.slice(0, eq).trim() : '';
  const text = eq > 0 ? p.slice(eq + 1).trim() : '';
  if (!label || !text) throw new CliUsageError(`--prompt "${p}" must look like <label>=<text>`);
  return { label, text };
}

/** `a, b ,c` → ['a', 'b', 'c'] (empty items dropped). */
export function commaList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}
