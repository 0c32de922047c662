/**
 * Affine int8 quantisation: q = clamp(round(x / scale) + zeroPoint, -128, 127) and back
 * x' = (q - zeroPoint) * scale. The range always includes 0 so that zeros (ReLU outputs,
 * padding) come back exactly.
 */

export interface AffineParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Scale and zero point covering [min(0, lo), max(0, hi)] with 256 levels. */
export function affineParams(lo: number, hi: number): AffineParams {
  const min = Math.min(0, lo);
  const max = Math.max(0, hi);
  const scale = max > min ? (max - min) / 255 : 1;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

function quantizeRange(x: Float32Array, q: Int8Array, idx: (k: number) => number, n: number, p: AffineParams): void {
  const inv = 1 / p.scale;
  for (let k = 0; k < n; k++) {
    const i = idx(k);
    const v = Math.round(x[i]! * inv) + p.zeroPoint; // i < x.length
    q[i] = v < -128 ? -128 : v > 127 ? 127 : Number.isNaN(v) ? p.zeroPoint : v;
  }
}

export function quantizePerTensor(x: Float32Array): { q: Int8Array; params: AffineParams } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const params = affineParams(Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 0);
  const q = new Int8Array(x.length);
  quantizeRange(x, q, (k) => k, x.length, params);
  return { q, params };
}

export function dequantizePerTensor(q: Int8Array, p: AffineParams): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i]! - p.zeroPoint) * p.scale; // i < q.length
  return out;
}

/** Sizes of the layout around `axis`: outer blocks, channels, inner run. */
function layout(dims: readonly number[], axis: number): { outer: number; channels: number; inner: number } {
  let outer = 1;
  let inner = 1;
  dims.forEach((d, i) => { if (i < axis) outer *= d; else if (i > axis) inner *= d; });
  return { outer, channels: dims[axis] ?? 1, inner };
}

/** One (scale, zero point) per index of `axis` (the channel axis, 1 for NCHW). */
export function quantizePerChannel(x: Float32Array, dims: readonly number[], axis: number): { q: Int8Array; params: AffineParams[] } {
  const { outer, channels, inner } = layout(dims, axis);
  const q = new Int8Array(x.length);
  const params: AffineParams[] = [];
  for (let c = 0; c < channels; c++) {
    const idx = (k: number): number => (Math.floor(k / inner) * channels + c) * inner + (k % inner);
    const n = outer * inner;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < n; k++) { const v = x[idx(k)]!; if (v < lo) lo = v; if (v > hi) hi = v; } // idx(k) is an element of channel c, inside x
    const p = affineParams(Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 0);
    quantizeRange(x, q, idx, n, p);
    params.push(p);
  }
  return { q, params };
}

export function dequantizePerChannel(q: Int8Array, dims: readonly number[], axis: number, params: readonly AffineParams[]): Float32Array {
  // Bounds: c < channels, one params entry each (the caller quantised per channel of this axis), and every offset is < outer x channels x inner = q.length.
  const { outer, channels, inner } = layout(dims, axis);
  const out = new Float32Array(q.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const p = params[c]!;
      const base = (o * channels + c) * inner;
      for (let k = 0; k < inner; k++) out[base + k] = (q[base + k]! - p.zeroPoint) * p.scale;
    }
  }
  return out;
}
