/**
 * One conversion in its own process, so its peak RSS (getrusage maxrss) is the converter's alone.
 * argv: <checkpointDir> <outDir> <dtype> <resolution> [heads|none]; prints one JSON line with the figures.
 */
import { convertRadioCheckpoint, type WeightDtype } from '../src-main/core/models/convert';

const [checkpointDir, outDir, dtype, resolution, heads = 'heads'] = process.argv.slice(2);
if (!checkpointDir || !outDir || !dtype || !resolution)
  throw new Error('usage: convert-child <ckpt> <out> <dtype> <px>');
const t0 = performance.now();
await convertRadioCheckpoint({
  checkpointDir,
  outDir,
  resolution: Number(resolution),
  dtype: dtype as WeightDtype,
  adaptors: heads === 'none' ? { language: null, sam: null } : { language: 'siglip2-g', sam: 'sam' },
  meta: { id: `bench-${dtype}`, name: 'bench', license: 'bench only', sourceUrl: 'bench/convert.bench.ts' },
});
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
