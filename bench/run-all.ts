import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchFn, type BenchRow } from './bench-kit';

/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose names contain an argument) and
 * prints one table. Figures only: nothing here asserts, these machines are too noisy for that.
 */
const filters = process.argv.slice(2);
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  process.stderr.write(`running ${file}…\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: BenchFn };
    rows.push(...(await mod.default()));
  } catch (e) {
    rows.push({ bench: file, case: 'FAILED', value: Number.NaN, unit: '', note: (e as Error).message });
  }
}

const table = rows.map((r) => ({
  bench: r.bench,
  case: r.case,
  value: Number.isFinite(r.value)
    ? Math.abs(r.value) >= 100
      ? r.value.toFixed(0)
      : r.value.toPrecision(3)
    : 'n/a',
  unit: r.unit,
  note: r.note ?? '',
}));
const cols = ['bench', 'case', 'value', 'unit', 'note'] as const;
const width = Object.fromEntries(
  cols.map((c) => [c, Math.max(c.length, ...table.map((t) => String(t[c]).length))]),
);
const line = (t: Record<(typeof cols)[number], string>): string =>
  cols.map((c) => String(t[c]).padEnd(width[c] ?? 0)).join('  ');
console.log(line({ bench: 'bench', case: 'case', value: 'value', unit: 'unit', note: 'note' }));
console.log(cols.map((c) => '-'.repeat(width[c] ?? 0)).join('  '));
for (const t of table) console.log(line(t));
