#!/usr/bin/env node
// Runs one ONNX file with onnxruntime-node for the exporter's parity check, where Python's onnxruntime is
// not installed (Debian ships torch and onnx but not onnxruntime). The app's own runtime is the better
// judge anyway: this is the engine that will run the bundle.
//
//   node ort_run.mjs <dir>   reads <dir>/request.json {model, outputs, feeds: {name: {dtype, dims, file}}}
//                            writes <dir>/response.json {outputs: {name: {dtype, dims, file}}} + raw files
// Raw files are little-endian, C order; dtypes float32 | int64.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node ort_run.mjs <request-dir>');
  process.exit(2);
}
const req = JSON.parse(readFileSync(path.join(dir, 'request.json'), 'utf8'));
const feeds = {};
for (const [name, f] of Object.entries(req.feeds)) {
  const buf = readFileSync(path.join(dir, f.file));
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = f.dtype === 'int64' ? new BigInt64Array(bytes) : new Float32Array(bytes);
  feeds[name] = new ort.Tensor(f.dtype, data, f.dims);
}
const session = await ort.InferenceSession.create(req.model, { executionProviders: ['cpu'] });
const results = await session.run(feeds, req.outputs);
const outputs = {};
req.outputs.forEach((name, i) => {
  const t = results[name];
  if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}; the parity check reads float32`);
  const file = `out${i}.bin`;
  writeFileSync(path.join(dir, file), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  outputs[name] = { dtype: 'float32', dims: t.dims, file };
});
writeFileSync(path.join(dir, 'response.json'), JSON.stringify({ outputs }));
await session.release();
