const G = 64, D = 1536, cells = G * G;
const data = Float32Array.from({ length: cells * D }, () => Math.random() - 0.5);
const q = Float32Array.from({ length: D }, () => Math.random() - 0.5);
const out = new Float32Array(cells);
function v1() { for (let c = 0; c < cells; c++) { const base = c * D; let s0 = 0, s1 = 0, s2 = 0, s3 = 0; let d = 0; for (; d + 3 < D; d += 4) { s0 += data[base + d]! * q[d]!; s1 += data[base + d + 1]! * q[d + 1]!; s2 += data[base + d + 2]! * q[d + 2]!; s3 += data[base + d + 3]! * q[d + 3]!; } out[c] = s0 + s1 + s2 + s3; } }
function v0() { for (let c = 0; c < cells; c++) { const base = c * D; let s = 0; for (let d = 0; d < D; d++) s += data[base + d]! * q[d]!; out[c] = s; } }
function v8() { for (let c = 0; c < cells; c++) { let i = c * D; let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0; for (let d = 0; d < D; d += 8, i += 8) { s0 += data[i]! * q[d]!; s1 += data[i + 1]! * q[d + 1]!; s2 += data[i + 2]! * q[d + 2]!; s3 += data[i + 3]! * q[d + 3]!; s4 += data[i + 4]! * q[d + 4]!; s5 += data[i + 5]! * q[d + 5]!; s6 += data[i + 6]! * q[d + 6]!; s7 += data[i + 7]! * q[d + 7]!; } out[c] = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7; } }
// two queries per pass
const q2 = q.slice();
const out2 = new Float32Array(cells);
function v2q() { for (let c = 0; c < cells; c++) { let i = c * D; let a0 = 0, a1 = 0, b0 = 0, b1 = 0; for (let d = 0; d < D; d += 2, i += 2) { const x0 = data[i]!, x1 = data[i + 1]!; a0 += x0 * q[d]!; a1 += x1 * q[d + 1]!; b0 += x0 * q2[d]!; b1 += x1 * q2[d + 1]!; } out[c] = a0 + a1; out2[c] = b0 + b1; } }
const t = (name: string, f: () => unknown, n = 15) => { for (let i = 0; i < 3; i++) f(); const a: number[] = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); a.push(performance.now() - t0); } a.sort((x, y) => x - y); console.log(name.padEnd(30), a[0]!.toFixed(2), a[n >> 1]!.toFixed(2), 'ms (min, p50)'); };
t('v0 1 acc', v0); t('v1 4 acc', v1); t('v8 8 acc', v8); t('v2q two queries/pass', v2q); t('v1 again', v1);
